#pragma once
// What every plugin object (sampler, strategy, variant) has in common.

#include "spbench/sdk/run_setup.hpp"

namespace torch::serialize {
class OutputArchive;
class InputArchive;
}  // namespace torch::serialize

namespace spbench {

class PluginObject {
 public:
  virtual ~PluginObject() = default;

  // Called by `spbench validate` and before a run starts, with the resolved
  // setup, so that options that depend on the rest of the spec (a split edge
  // whose operations the subset excludes, say) are refused before any work.
  // Throw OptionError naming the option.
  virtual void validate(const RunSetup& /*setup*/) const {}

  // Checkpointing: everything needed to resume bit-identically (positions in
  // a shuffled list, moving averages …). Called at every epoch end and on
  // resume respectively. On resume the archive's tensors are on the training
  // device (a GPU, say): read text and integer lists back through
  // checkpoint_values.hpp, which copies them to the host first.
  virtual void save_state(torch::serialize::OutputArchive& /*archive*/) const {}
  virtual void load_state(torch::serialize::InputArchive& /*archive*/) {}
};

}  // namespace spbench
