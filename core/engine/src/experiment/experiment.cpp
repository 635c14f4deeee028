#include "spbench/engine/experiment/experiment.hpp"

#include <fmt/format.h>
#include <torch/cuda.h>

#include <thread>

#include "spbench/engine/runs/run_directory.hpp"

namespace spbench {

c10::Device resolve_device(const std::string& device) {
  if (device == "auto") return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  c10::Device d(c10::kCPU);
  try {
    d = c10::Device(device);
  } catch (const std::exception&) {
    throw std::invalid_argument(fmt::format("unknown device '{}' (expected auto, cpu, cuda or cuda:N)", device));
  }
  if (d.is_cuda()) {
    if (!torch::cuda::is_available())
      throw std::invalid_argument(fmt::format(
          "device '{}' asked for, but this LibTorch build has no usable CUDA device (use auto or cpu)", device));
    const auto index = d.has_index() ? d.index() : 0;
    if (index >= static_cast<int>(torch::cuda::device_count()))
      throw std::invalid_argument(
          fmt::format("device '{}' asked for, but only {} CUDA device(s) exist", device, torch::cuda::device_count()));
  }
  return d;
}

int resolve_threads(int threads) {
  if (threads > 0) return threads;
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

PreparedExperiment prepare_experiment(const ExperimentSpec& spec, const PluginRegistry& registry) {
  PreparedExperiment out;
  out.setup = spec.run;
  // An option a plugin refuses is a spec error like any other: reported at
  // the option's own line (or, for a default, where the plugin is chosen),
  // in the same format and with the same exit status as the validator's.
  auto guard = [&](const PluginSelection& s, const std::string& path, const char* kind, auto&& make) {
    try {
      return make();
    } catch (const OptionError& e) {
      const std::string option_path = path + ".options." + e.option();
      SourceLocation at = spec.locations.count(option_path) ? spec.locations.at(option_path) : s.location;
      throw SpecError({Diagnostic{std::move(at), option_path,
                                  fmt::format("{} '{}': option '{}': {}", kind, s.name, e.option(), e.what()), ""}});
    }
  };
  out.plugins.sampler = guard(spec.sampler, "sampler", "sampler",
                              [&] { return registry.make_sampler(spec.sampler.name, spec.sampler.options); });
  out.plugins.strategy = guard(spec.strategy, "strategy", "strategy",
                               [&] { return registry.make_strategy(spec.strategy.name, spec.strategy.options); });
  for (std::size_t i = 0; i < spec.variants.size(); ++i) {
    const auto& v = spec.variants[i];
    out.plugins.variants.push_back(guard(v, fmt::format("variants[{}]", i), "variant",
                                         [&] { return registry.make_variant(v.name, v.options); }));
  }
  // Variants first adjust the setup in list order; then every plugin checks
  // its options against the final setup.
  for (std::size_t i = 0; i < spec.variants.size(); ++i) out.plugins.variants[i]->configure(out.setup);
  guard(spec.sampler, "sampler", "sampler", [&] { out.plugins.sampler->validate(out.setup); return 0; });
  guard(spec.strategy, "strategy", "strategy", [&] { out.plugins.strategy->validate(out.setup); return 0; });
  for (std::size_t i = 0; i < spec.variants.size(); ++i)
    guard(spec.variants[i], fmt::format("variants[{}]", i), "variant",
          [&] { out.plugins.variants[i]->validate(out.setup); return 0; });
  return out;
}

data::DataSpec data_spec_of(const ExperimentSpec& spec) {
  data::DataSpec d;
  d.dataset = std::string(setting_name(spec.data.dataset));
  d.root = spec.data.root;
  d.split = spec.data.split;
  d.valid_fraction = spec.data.valid_fraction;
  d.train_subset = spec.data.train_subset;
  d.valid_subset = spec.data.valid_subset;
  d.resize = spec.data.resize;
  d.augment = spec.data.augment;
  d.seed = spec.seed;
  return d;
}

TrainerConfig trainer_config_of(const ExperimentSpec& spec, const RunSetup& setup, c10::Device device) {
  TrainerConfig c;
  c.setup = setup;
  c.steps_per_epoch = spec.training.steps_per_epoch;
  c.schedule = std::string(setting_name(spec.training.schedule));
  c.schedule_per_epoch = spec.training.schedule_step == ScheduleStep::Epoch;
  c.keep_zero_gradients = spec.training.unsampled_gradients == UnsampledGradients::Zero;
  c.log_every = spec.training.log_every;
  c.skip_nonfinite_loss = spec.training.on_nonfinite_loss == NonfiniteLoss::Skip;
  c.augment = spec.data.augment;
  c.device = device;
  c.precision = std::string(setting_name(spec.precision));
  c.channels_last = spec.channels_last;
  return c;
}

std::unique_ptr<Trainer> train_experiment(const ExperimentSpec& spec, const PluginRegistry& registry,
                                          RunDirectory& run_dir, const RunOptions& options) {
  const c10::Device device = resolve_device(spec.device);
  PreparedExperiment prepared = prepare_experiment(spec, registry);
  auto say = [&](const std::string& line) {
    if (options.sink) options.sink(line); else std::fprintf(stderr, "%s\n", line.c_str());
    run_dir.log(line);
  };
  const data::DataSpec data_spec = data_spec_of(spec);
  say(fmt::format("loading data: {} ({}) from {}", setting_name(spec.data.dataset), spec.data.split,
                  data::dataset_folder(data_spec, options.data_root).string()));
  data::DataSplits splits = data::load_data(data_spec, options.data_root);
  say(fmt::format("data: {} training images, {} validation images, {}x{}x{}", splits.train.size(), splits.valid.size(),
                  splits.train.channels(), splits.train.height(), splits.train.width()));
  TrainerConfig config = trainer_config_of(spec, prepared.setup, device);
  config.setup.network.num_classes = splits.train.num_classes;
  config.setup.network.input_channels = static_cast<int>(splits.train.channels());
  config.progress_bar = options.progress_bar;
  if (options.splits_out) *options.splits_out = splits;
  if (options.plugins_out) *options.plugins_out = prepared.plugins;
  auto trainer = std::make_unique<Trainer>(config, prepared.plugins, std::move(splits.train), &run_dir);
  if (options.sink) trainer->set_message_sink(options.sink);
  trainer->train(options.stop_after_epochs);
  return trainer;
}

}  // namespace spbench
