#include "spec_loading.hpp"

#include <fmt/format.h>

#include <spbench/spec/registry_catalog.hpp>

#include "commands.hpp"
#include "embedded_default_spec.hpp"

namespace spbench::cli {

const std::string& embedded_default_spec() {
  static const std::string text = kEmbeddedDefaultSpec;
  return text;
}


ExperimentSpec load_spec_for_cli(const SpecSource& source, PluginRegistry& registry) {
  load_plugins(registry, {}, /*strict=*/true);
  LoadOptions options;
  options.sets = source.sets;
  LoadedSpec loaded = source.file ? load_spec_tree(*source.file, options)
                                  : load_spec_text(embedded_default_spec(), "(embedded quickstart.yaml)",
                                                   std::filesystem::current_path(), options);
  if (!loaded.diagnostics.empty()) throw SpecError(loaded.diagnostics);
  // The spec may name its own plugin folders: read them with a first pass,
  // load them, then validate for real (unknown plugins are reported only by
  // the second pass).
  std::vector<Diagnostic> first;
  ExperimentSpec draft = validate_spec(loaded, plugin_catalog(registry), first);
  if (!draft.plugin_paths.empty())
    load_plugins(registry, draft.plugin_paths, /*strict=*/true, /*default_dirs=*/false);
  std::vector<Diagnostic> diagnostics;
  ExperimentSpec spec = validate_spec(loaded, plugin_catalog(registry), diagnostics);
  if (!diagnostics.empty()) throw SpecError(diagnostics);
  return spec;
}

}  // namespace spbench::cli
