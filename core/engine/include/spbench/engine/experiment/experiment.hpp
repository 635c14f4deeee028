#pragma once
// From a validated spec to a trained super-network: plugins instantiated and
// checked, variants' configure() applied, data loaded, trainer run.

#include <c10/core/Device.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "spbench/engine/data/load.hpp"
#include "spbench/engine/plugins/plugin_registry.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"
#include "spbench/engine/training/trainer.hpp"

namespace spbench {

class RunDirectory;

// `auto` → CUDA when this LibTorch has a CUDA device, else CPU. Throws
// std::invalid_argument for an unknown device or CUDA without CUDA.
c10::Device resolve_device(const std::string& device);

// Thread count for a spec's `threads` (0: all cores).
int resolve_threads(int threads);

// Plugins of the spec, each validated against the setup, and the setup after
// every variant's configure(), in list order.
struct PreparedExperiment {
  RunSetup setup;
  Trainer::Plugins plugins;
};
PreparedExperiment prepare_experiment(const ExperimentSpec& spec, const PluginRegistry& registry);

// The data section as the data loader's spec.
data::DataSpec data_spec_of(const ExperimentSpec& spec);

TrainerConfig trainer_config_of(const ExperimentSpec& spec, const RunSetup& setup, c10::Device device);

struct RunOptions {
  std::filesystem::path data_root;  // resolved already
  bool progress_bar = false;
  int stop_after_epochs = 0;        // >0: stop early (tests of resumption)
  std::function<void(const std::string&)> sink;  // messages (default: stderr + log)
  // When set, receive what evaluation after training needs: the loaded
  // splits (tensors shared, not copied) and the plugins the trainer used.
  data::DataSplits* splits_out = nullptr;
  Trainer::Plugins* plugins_out = nullptr;
};

// Trains the experiment in `run_dir` (resuming from its checkpoint when it
// has one) and returns the trainer, whose networks are trained.
std::unique_ptr<Trainer> train_experiment(const ExperimentSpec& spec, const PluginRegistry& registry,
                                          RunDirectory& run_dir, const RunOptions& options);

}  // namespace spbench
