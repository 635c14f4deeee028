#pragma once
// A tiny, fast training setting for tests: random 3×8×8 images, C=4, N=1.

#include <ATen/ATen.h>

#include <spbench/engine/data/dataset.hpp>
#include <spbench/sdk/option_parsing.hpp>
#include <spbench/engine/plugins/plugin_registry.hpp>
#include <spbench/engine/training/trainer.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace spbench::test {

inline data::ImageDataset tiny_dataset(std::int64_t n = 64, std::uint64_t seed = 1) {
  at::manual_seed(static_cast<std::uint64_t>(seed));
  data::ImageDataset d;
  d.name = "tiny";
  d.images = at::randint(0, 256, {n, 3, 8, 8}, at::kByte);
  d.labels = at::randint(0, 10, {n}, at::kLong);
  d.num_classes = 10;
  d.mean = {0.5f, 0.5f, 0.5f};
  d.std = {0.25f, 0.25f, 0.25f};
  return d;
}

inline TrainerConfig tiny_config(int epochs = 3, std::int64_t steps = 3) {
  TrainerConfig c;
  c.setup.network.channels = 4;
  c.setup.network.cells_per_stage = 1;
  c.setup.network.num_classes = 10;
  c.setup.epochs = epochs;
  c.setup.batch_size = 16;
  c.setup.seed = 5;
  c.steps_per_epoch = steps;
  c.log_every = 0;
  return c;
}

// A plugin's defaults with some options set from YAML text; an unknown
// plugin or option is an error.
inline Options plugin_options(const PluginRegistry& registry, PluginKind kind, const std::string& name,
                              const std::map<std::string, std::string>& values) {
  const PluginInfo* info = registry.find(kind, name);
  if (!info) throw std::invalid_argument("no plugin " + name);
  Options o = info->default_options();
  for (const auto& [key, text] : values) {
    const OptionInfo* option = info->option(key);
    if (!option) throw std::invalid_argument("plugin " + name + " has no option " + key);
    // Read by type only: range and choices are the registry's to check when
    // the plugin is made (the gate the tests exercise).
    OptionInfo by_type = *option;
    by_type.range = {};
    by_type.choices.clear();
    o.set(key, parse_option_value(by_type, text));
  }
  return o;
}

// A plugin from the statically linked set, options given as YAML text.
template <typename T>
std::shared_ptr<T> make_plugin(const PluginRegistry& registry, PluginKind kind, const std::string& name,
                               const std::map<std::string, std::string>& options = {}) {
  const Options o = plugin_options(registry, kind, name, options);
  if constexpr (std::is_same_v<T, PathSampler>) return registry.make_sampler(name, o);
  else if constexpr (std::is_same_v<T, SupernetStrategy>) return registry.make_strategy(name, o);
  else return registry.make_variant(name, o);
}

// Whether two lists of tensors (weights, buffers) are equal element by element, bit for bit.
inline bool identical(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a[i].equal(b[i])) return false;
  return true;
}

}  // namespace spbench::test
