#pragma once
// Experiment specs: load + validate in one call, and print the resolved spec.
//
//   PluginRegistry registry;                       // plugins loaded
//   LoadOptions load;  load.sets = {"training.epochs=3"};
//   try {
//     ExperimentSpec spec = load_experiment_spec("exp.yaml", plugin_catalog(registry), load);
//     std::cout << to_yaml(spec);
//   } catch (const SpecError& e) {
//     std::cerr << format(e.diagnostics());
//   }
//
// Schema and semantics: docs/spec.md.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "spbench/util/yaml/diagnostic.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"
#include "spbench/util/yaml/loader.hpp"
#include "spbench/util/yaml/spec_tree.hpp"

namespace spbench {

// Declared in plugin_info.hpp; only named here so that the
// spec headers stay free of the plugin interfaces (and their LibTorch
// includes).
enum class PluginKind : std::uint32_t;
struct PluginInfo;

// What the validator needs to know about plugins: the schema of a plugin
// (nullptr when there is none of that kind and name) and the names of all
// plugins of a kind (for "did you mean" and "available: …").
struct PluginCatalog {
  std::function<const PluginInfo*(PluginKind, const std::string&)> find;
  std::function<std::vector<std::string>(PluginKind)> names;
};

// Validates a loaded tree. Appends every problem to `diagnostics` (which
// also receives the loader's) and returns the spec as far as it could be
// read; it is only meaningful when no diagnostics were added.
ExperimentSpec validate_spec(const LoadedSpec& loaded, const PluginCatalog& plugins,
                             std::vector<Diagnostic>& diagnostics);

// load_spec_tree + validate_spec; throws SpecError listing every problem.
ExperimentSpec load_experiment_spec(const std::filesystem::path& file, const PluginCatalog& plugins,
                                    const LoadOptions& options = {});

// The fully resolved spec as YAML (every key, defaults filled, plugin options
// expanded, fixed key order); loading it again gives an equal spec.
std::string to_yaml(const ExperimentSpec& spec);

}  // namespace spbench
