#include "spec_loading.hpp"

#include <fmt/format.h>

#include <spbench/engine/spec/registry_catalog.hpp>

#include "commands.hpp"
#include "embedded_default_spec.hpp"

namespace spbench::cli {

const std::string& embedded_default_spec() {
  static const std::string text = kEmbeddedDefaultSpec;
  return text;
}

void validate_with_spec_plugins(PluginRegistry& registry,
                                const std::function<std::vector<std::filesystem::path>()>& validate) {
  const std::vector<std::filesystem::path> extra = validate();
  if (extra.empty()) return;
  load_plugins(registry, extra, /*strict=*/true, /*default_dirs=*/false);
  validate();
}

ExperimentSpec load_spec_for_cli(const SpecSource& source, PluginRegistry& registry) {
  load_plugins(registry, {}, /*strict=*/true);
  LoadOptions options;
  options.sets = source.sets;
  LoadedSpec loaded = source.file ? load_spec_tree(*source.file, options)
                                  : load_spec_text(embedded_default_spec(), "(embedded quickstart.yaml)",
                                                   std::filesystem::current_path(), options);
  if (!loaded.diagnostics.empty()) throw SpecError(loaded.diagnostics);
  std::vector<Diagnostic> diagnostics;
  ExperimentSpec spec;
  validate_with_spec_plugins(registry, [&] {
    diagnostics.clear();
    spec = validate_spec(loaded, plugin_catalog(registry), diagnostics);
    return spec.plugin_paths;
  });
  if (!diagnostics.empty()) throw SpecError(diagnostics);
  return spec;
}

}  // namespace spbench::cli
