#pragma once
// Loading a spec for the command line: plugins from the default folders and
// the spec's own plugin_paths, overrides, every problem printed at once.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <spbench/engine/plugins/plugin_registry.hpp>
#include <spbench/engine/spec/spec.hpp>

namespace spbench::cli {

struct SpecSource {
  std::optional<std::filesystem::path> file;  // none: the embedded default experiment
  std::vector<std::string> sets;
};

// A spec may name its own plugin folders (plugin_paths), known only once it
// is read, while it can be validated only against the plugins loaded. So
// `validate` (one validation against `registry`, returning the plugin folders
// the spec or specs name) runs once; when it names folders, they are loaded
// (strictly, without the default folders again) and it runs a second time,
// whose result stands: unknown plugins are told apart only by that pass.
void validate_with_spec_plugins(PluginRegistry& registry,
                                const std::function<std::vector<std::filesystem::path>()>& validate);

// Throws SpecError (printed by the caller) or std::runtime_error.
ExperimentSpec load_spec_for_cli(const SpecSource& source, PluginRegistry& registry);

// The embedded default experiment (experiments/quickstart.yaml at build time).
const std::string& embedded_default_spec();

}  // namespace spbench::cli
