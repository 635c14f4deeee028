#pragma once
// SupernetStrategy: how the weight-sharing super-network(s) are built, trained
// and consulted.
//
// The core asks, in this order:
//   1. make_operation(...)  while building each super-network, once per
//      candidate operation of every edge. Return nullptr for the core's
//      default implementation, or a model::CandidateOp to replace it (Linear
//      Transformers replace skip_connect with a 1×1 convolution). The module
//      must map [B, C_in, H, W] to [B, C_out, H/stride, W/stride]. The core
//      binds every returned module to this plugin's library, so the module
//      may outlive the strategy object and the registry.
//   2. partition(space)     the (sub-)super-networks and the space each owns.
//      One-shot: one network owning everything. Few-shot: the warm-up
//      network plus one per operation of the split edge(s).
//   3. schedule(epochs, networks)  the ordered training phases. Each phase
//      trains one network for some epochs with a fresh optimizer and cosine
//      schedule; the sampler is restarted on that network's space.
//   4. on_phase_begin(phase, networks)  before a phase's first step, after
//      the core copied weights for `warm_start_from` (never on resume of a
//      phase already under way).
//   5. route(arch, networks)  at evaluation: which network scores `arch`.
// The core owns the networks: a strategy must not keep (shared) references to
// their modules.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spbench/sdk/cell_architecture.hpp"
#include "spbench/sdk/candidate_op.hpp"
#include "spbench/sdk/operation.hpp"
#include "spbench/sdk/plugin_object.hpp"
#include "spbench/sdk/search_space.hpp"

namespace torch::nn {
class Module;
}

namespace spbench {

// What a candidate operation must implement.
struct OperationSpec {
  Op op;
  int in_channels;
  int out_channels;
  int stride;
  bool bn_affine;
  bool bn_track_running_stats;
};

struct SubSupernet {
  std::string name;   // "supernet", "e0=nor_conv_3x3" …
  SearchSpace space;  // the architectures it is trained on
  // Whether this network scores architectures at evaluation (few-shot's
  // warm-up network does not once its children exist).
  bool evaluates = true;
};

struct TrainingPhase {
  int network = 0;
  int epochs = 0;
  // Copy all weights (parameters and buffers) from this network when the
  // phase starts (few-shot warm start).
  std::optional<int> warm_start_from;
  std::string label;
};

class SupernetStrategy : public PluginObject {
 public:
  virtual std::shared_ptr<model::CandidateOp> make_operation(const OperationSpec& /*spec*/) { return nullptr; }

  virtual std::vector<SubSupernet> partition(const SearchSpace& space) const {
    return {SubSupernet{"supernet", space, true}};
  }

  // Default: every network trained for `epochs` in turn (one network: one phase).
  virtual std::vector<TrainingPhase> schedule(int epochs, const std::vector<SubSupernet>& networks) const;

  virtual void on_phase_begin(const TrainingPhase& /*phase*/,
                              const std::vector<torch::nn::Module*>& /*networks*/) {}

  // Default: the first evaluating network whose space contains `arch`;
  // returns -1 when none does.
  virtual int route(const CellArch& arch, const std::vector<SubSupernet>& networks) const;
};

}  // namespace spbench
