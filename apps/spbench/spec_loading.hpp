#pragma once
// Loading a spec for the command line: plugins from the default folders and
// the spec's own plugin_paths, overrides, every problem printed at once.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <spbench/plugin_registry.hpp>
#include <spbench/spec/spec.hpp>

namespace spbench::cli {

struct SpecSource {
  std::optional<std::filesystem::path> file;  // none: the embedded default experiment
  std::vector<std::string> sets;
};

// Throws SpecError (printed by the caller) or std::runtime_error.
ExperimentSpec load_spec_for_cli(const SpecSource& source, PluginRegistry& registry);

// The embedded default experiment (experiments/quickstart.yaml at build time).
const std::string& embedded_default_spec();

}  // namespace spbench::cli
