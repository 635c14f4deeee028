#pragma once
// Scoring architectures with a trained super-network (docs/evaluation.md).
//
// Every architecture is run on the same V validation batches (data order, no
// augmentation: the test-time transforms) and gets its accuracy (%) and mean
// cross-entropy. BatchNorm in evaluation (`evaluation.bn`):
//   Running      the running statistics from training (eval mode);
//   Batch        every BN normalises with the statistics of the evaluation
//                batch itself (only the BN modules switch to train mode, so
//                dropout and drop-path stay off); the running statistics the
//                forward passes would update are restored afterwards;
//   Recalibrate  per architecture: every BN's statistics are reset and
//                re-estimated as the plain average (momentum = None) over R
//                fixed training batches (data order, no augmentation), then
//                the architecture is scored in eval mode; the statistics of
//                the trained network are restored before the next one, so
//                nothing leaks from one architecture to the next.
// Each architecture is routed with the strategy's route() to the
// (sub-)super-network that scores it; every variant's before_evaluation /
// after_evaluation is called around the scoring with each network, paired by
// a guard: after_evaluation runs for every variant whose before_evaluation
// returned, also when scoring throws.
//
// Sharing. Architectures that compute the same function on the same network
// are run once (one group per functional class; the group's lowest-index
// member is run) and the result is copied to the others. The class is
// functional_reduction(arch, zero_rule): dead edges (whose output never
// reaches node 3) are never computed by the super-network, in any mode, so
// removing them is always exact. The zero-node rule (edges leaving a node
// that only receives zeros) is exact only when every candidate operation maps
// a zero input to exactly zero while scoring: with BN mode Batch (or BN
// without running statistics) and non-affine BN; with Recalibrate and
// non-affine BN, because an operation skipped on zeros during recalibration
// keeps the reset statistics (mean 0), which map zero to zero in eval mode as
// well. With Running statistics a conv on zeros outputs -mean/std ≠ 0, so the
// rule is not used. Architectures without an input→output path are not run:
// they get chance accuracy (100 / classes) and the loss of a uniform guess
// (ln classes).

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "spbench/sdk/cell_architecture.hpp"
#include "spbench/engine/data/dataset.hpp"
#include "spbench/engine/model/supernet.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"
#include "spbench/sdk/supernet_strategy.hpp"
#include "spbench/sdk/training_variant.hpp"

namespace spbench::evaluation {

// The trained networks and the plugins that score with them. The members may
// be released in any order: a module a strategy made holds the strategy's
// library itself (model::operation_factory_of).
struct ScoringNetworks {
  std::vector<model::Supernet> networks;  // handles: share the trainer's modules
  std::vector<SubSupernet> info;          // aligned with networks
  // Routes architectures; null: the first evaluating network whose space
  // contains the architecture (the default route()).
  std::shared_ptr<SupernetStrategy> strategy;
  std::vector<std::shared_ptr<TrainingVariant>> variants;
};

struct EvaluationConfig {
  EvaluationSpec::BnMode bn = EvaluationSpec::BnMode::Running;
  std::int64_t recalibrate_batches = 0;  // R
  double recalibrate_momentum = -1.0;     // < 0: cumulative average (momentum None)
  bool recalibrate_reset = true;          // false: start from the trained running statistics
  std::int64_t batches = 10;             // V; 0: the whole validation split
  std::int64_t batch_size = 256;
  bool share_equivalent = true;          // false: run every architecture (tests, checks)
  // K, the paths scored together in one forward pass (multi_path.hpp): 1 is
  // path by path; 0 picks K from the memory a pass may take
  // (multi_path_budget_bytes) on an accelerator, and path by path on the CPU
  // unless a budget is given. Networks multi_path.hpp does not support in
  // the BN mode are scored path by path whatever K says.
  std::int64_t paths_per_batch = 0;
  std::int64_t multi_path_budget_bytes = 0;  // 0: 8 GiB on an accelerator (CPU: see above)
  c10::Device device = c10::Device(c10::kCPU);
  std::string precision = "fp32";
  bool channels_last = false;
  bool progress_bar = false;
  std::int64_t progress_every = 500;     // architectures between plain progress lines
  std::function<void(const std::string&)> sink;  // progress lines (default: stderr)
};

EvaluationConfig evaluation_config_of(const ExperimentSpec& spec, c10::Device device);

// How an architecture's result came about.
enum class ResultSource { Evaluated, Shared, NoPath };

struct ArchitectureResult {
  CellArch arch;
  int index = -1;    // NAS-Bench-201 index
  int network = -1;  // the network that scored it (-1: not run, no path)
  double accuracy = 0;  // % on the V batches
  double loss = 0;      // mean cross-entropy
  ResultSource source = ResultSource::Evaluated;
  int representative = -1;  // index of the architecture actually run
};

// Architectures that share one run.
struct EvaluationGroup {
  int network = -1;        // -1: the no-path group (not run)
  CellArch reduced;        // the functional class
  std::vector<int> members;  // positions into the architecture list, ascending index
};

struct EvaluationPlan {
  std::vector<EvaluationGroup> groups;  // ordered by their first member's index
  std::vector<bool> zero_rule;          // per network: whether the zero-node rule is exact
  std::size_t architectures = 0;
  std::size_t runs() const;             // groups that are run
};

// The groups of `archs` (ascending index order is not required; members are
// kept in the order given). Throws std::invalid_argument when no network
// takes an architecture.
EvaluationPlan plan_evaluation(const std::vector<CellArch>& archs, const ScoringNetworks& networks,
                               const EvaluationConfig& config);

// Shard `shard` of `shards`: every shards-th group starting at `shard`. The
// shards are disjoint, cover the plan, and each keeps the groups (and their
// representatives) of the full plan, so a sharded evaluation gives the same
// numbers as an unsharded one.
EvaluationPlan shard_plan(const EvaluationPlan& plan, int shard, int shards);

struct EvaluationStats {
  std::size_t architectures = 0;
  std::size_t runs = 0;           // architectures actually run
  std::int64_t images = 0;        // images through the network (scoring + recalibration)
  std::size_t paths_per_pass = 0; // the largest K used (1: path by path)
  double seconds = 0;
};

class Evaluator {
 public:
  // `train` supplies the recalibration batches (BN mode Recalibrate only; may
  // be null otherwise). The data sets' tensors are shared, not copied.
  Evaluator(ScoringNetworks networks, const data::ImageDataset& valid, const data::ImageDataset* train,
            EvaluationConfig config);
  ~Evaluator();

  // Scores the groups of `plan` (from plan_evaluation over `archs`) and
  // returns one result per member, in ascending index order.
  std::vector<ArchitectureResult> evaluate(const std::vector<CellArch>& archs, const EvaluationPlan& plan);
  // plan_evaluation + evaluate.
  std::vector<ArchitectureResult> evaluate(const std::vector<CellArch>& archs);

  const EvaluationStats& stats() const { return stats_; }
  std::int64_t validation_images() const;
  const EvaluationConfig& config() const { return config_; }
  const ScoringNetworks& networks() const { return networks_; }

 private:
  // K for one network (EvaluationConfig::paths_per_batch), at most `groups`.
  std::size_t paths_per_pass(model::SupernetImpl& net, std::size_t groups) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
  ScoringNetworks networks_;
  EvaluationConfig config_;
  EvaluationStats stats_;
};

// Chance accuracy (%) and the loss of a uniform guess for `classes` classes.
double chance_accuracy(int classes);
double chance_loss(int classes);

}  // namespace spbench::evaluation
