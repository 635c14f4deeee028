#pragma once
// The validated, fully typed experiment spec: every key present, defaults
// filled, plugin options typed against their plugins' schemas. Produced by
// validate_spec()/load_experiment_spec() (spec/spec.hpp); printed back as
// YAML by to_yaml(). Every key is declared once in spec/schema.hpp, which
// drives parsing, printing, equality and docs/spec.md's key reference.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "spbench/sdk/operation.hpp"
#include "spbench/sdk/options.hpp"
#include "spbench/sdk/run_setup.hpp"
#include "spbench/util/yaml/diagnostic.hpp"
#include "spbench/engine/spec/settings.hpp"

namespace spbench {

// A sampler, strategy or training variant chosen by the spec.
struct PluginSelection {
  std::string name;
  Options options;          // every option of the plugin's schema, defaults filled in
  SourceLocation location;  // where the selection was written (for run-time errors)
};

struct DataSpec {
  Dataset dataset = Dataset::Cifar10;
  std::string root = "cifar10";         // relative to the data root unless absolute
  std::string split = "cifar10-valid";  // cifar10-valid | cifar10 | train-valid | train-test
  double valid_fraction = 0.5;          // train-valid: the share of the training set held out
  std::int64_t train_subset = 0;        // 0: all
  std::int64_t valid_subset = 0;        // 0: all
  int resize = 0;                       // 0: native size
  bool augment = true;
};

// Training settings that RunSetup does not hold.
struct TrainingExtras {
  std::int64_t steps_per_epoch = 0;        // 0: one pass over the training split
  LrSchedule schedule = LrSchedule::Cosine;
  ScheduleStep schedule_step = ScheduleStep::Step;  // when the cosine rate changes
  // What happens to the gradient of a parameter off the sampled path (see
  // docs/training.md): Zero keeps it a zero tensor once it exists, so weight
  // decay and momentum move it every step, as UniNAS and few-shot-NAS do.
  UnsampledGradients unsampled_gradients = UnsampledGradients::Zero;
  std::int64_t log_every = 50;             // 0: no progress lines
  NonfiniteLoss on_nonfinite_loss = NonfiniteLoss::Stop;
};

struct ArchitectureSelection {
  enum class Kind { All, Unique, Sample, List, Top };
  Kind kind = Kind::All;
  std::int64_t count = 0;  // Sample, Top: K
  bool stratified = false; // Sample only
  // Sample only: the sample's seed; < 0: the run's `seed`. A fixed one lets
  // runs with different seeds score the same architectures, so that a paired
  // comparison over seeds has one architecture set.
  std::int64_t seed = -1;
  std::string file;        // List: absolute path of the architecture list
};

struct EvaluationSpec {
  ArchitectureSelection architectures;
  enum class BnMode { Running, Batch, Recalibrate };
  BnMode bn = BnMode::Running;
  std::int64_t recalibrate_batches = 0;  // R, for BnMode::Recalibrate
  // Recalibrate: the BatchNorm momentum of the re-estimation; < 0 is the
  // cumulative average (PyTorch's momentum=None). UniNAS forwards its R
  // batches with the training momentum 0.1 instead.
  double recalibrate_momentum = -1.0;
  // Recalibrate: reset the statistics before the R batches (true), or start
  // from the trained network's running statistics (false; UniNAS's default).
  bool recalibrate_reset = true;
  std::int64_t batches = 10;             // V; 0: the whole validation split
  int batch_size = 256;
  // K paths scored per forward pass (evaluation/multi_path.hpp); 0: from
  // the memory available, 1: path by path. Changes rounding only.
  std::int64_t paths_per_batch = 0;
};

struct StandAloneSpec {
  int epochs = 1;
  int batch_size = 64;
  double learning_rate = 0.1;
  std::int64_t architectures = 20;
};

struct GroundTruthSpec {
  GroundTruthSource source = GroundTruthSource::Csv;
  std::string file = "nb201/nb201.csv";      // relative to the data root unless absolute
  std::string column = "cifar10_test_acc";
  GroundTruthJoin join = GroundTruthJoin::Arch;
  StandAloneSpec stand_alone;
  // Zero-cost scores (`spbench zero-cost --out`): each proxy column becomes
  // a reference row. Empty: none.
  std::string zero_cost;
};

struct OutputSpec {
  std::string dir = "runs";  // runs land in <dir>/<name>
  bool checkpoint_every_epoch = true;
};

struct ExperimentSpec {
  std::filesystem::path spec_file;  // the top-level spec file, absolute

  std::string name;
  std::uint64_t seed = 0;
  std::string device = "auto";     // auto | cpu | cuda | cuda:N
  Precision precision = Precision::Fp32;
  bool channels_last = false;
  int threads = 0;                 // 0: all cores
  std::vector<std::filesystem::path> plugin_paths;  // absolute

  // Search space, network, optimizer, epochs, batch size, seed and topology
  // sharing, ready for the variants' configure() step. `run.space` allows
  // `ops` on every edge.
  RunSetup run;
  OpSet ops = OpSet::all();

  DataSpec data;
  TrainingExtras training;
  PluginSelection sampler;
  PluginSelection strategy;
  std::vector<PluginSelection> variants;
  EvaluationSpec evaluation;
  GroundTruthSpec ground_truth;
  OutputSpec output;

  // Where each leaf value was set, by key path ("training.epochs"): lets
  // later stages point run-time problems (a missing data folder) at the spec.
  std::map<std::string, SourceLocation> locations;

  // The location of `key_path`, or of the closest enclosing key that has
  // one, or the spec file itself.
  SourceLocation location_of(const std::string& key_path) const;
};

// Equality of the experiment itself: every setting, but not where it was
// read from (spec_file, locations, selection locations).
bool operator==(const ExperimentSpec& a, const ExperimentSpec& b);
inline bool operator!=(const ExperimentSpec& a, const ExperimentSpec& b) { return !(a == b); }

// The dataset's class count and input channels (cifar100: 100; mnist and
// fashion-mnist: 1 channel).
int dataset_num_classes(Dataset dataset);
int dataset_input_channels(Dataset dataset);

// `path` against the data root unless it is absolute.
std::filesystem::path resolve_data_path(const std::string& path, const std::filesystem::path& data_root);

}  // namespace spbench
