// Experiment specs: any text must come back as diagnostics (the loader and
// the validator never throw for a bad spec) and a spec that validates must
// print to YAML that loads and validates again without problems.
//
// The catalog is a fixed set of fake plugins covering every option type,
// so the fuzz build needs no plugin libraries.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "spbench/engine/plugins/plugin_registry.hpp"
#include "spbench/engine/spec/spec.hpp"

namespace {

using namespace spbench;

PluginInfo plugin(PluginKind kind, std::string name, std::vector<OptionInfo> options = {}) {
  PluginInfo info{};
  info.kind = kind;
  info.name = std::move(name);
  info.version = "1.0.0";
  info.source = "(fuzz)";
  info.options = std::move(options);
  return info;
}

OptionInfo option(std::string name, OptionType type, std::string default_yaml, std::vector<std::string> choices = {}) {
  return OptionInfo{std::move(name), type, std::move(default_yaml), "", std::move(choices)};
}

const std::vector<PluginInfo>& plugins() {
  static const std::vector<PluginInfo> all = {
      plugin(PluginKind::Sampler, "uniform"),
      plugin(PluginKind::Sampler, "strict-fair"),
      plugin(PluginKind::Sampler, "progressive",
             {option("start", OptionType::Float, "0.5"),
              option("schedule", OptionType::String, "linear", {"linear", "cosine"}),
              option("edges", OptionType::IntList, "[0, 1]"), option("ops", OptionType::StringList, "[]"),
              option("warm", OptionType::Bool, "false")}),
      plugin(PluginKind::Strategy, "one-shot"),
      plugin(PluginKind::Strategy, "few-shot",
             {option("split_edges", OptionType::IntList, "[0]"), option("epochs_per_subnet", OptionType::Int, "1")}),
      plugin(PluginKind::Variant, "label-smoothing", {option("epsilon", OptionType::Float, "0.1")}),
      plugin(PluginKind::Variant, "grad-clip", {option("max_norm", OptionType::Float, "5.0")}),
  };
  return all;
}

PluginCatalog catalog() {
  return PluginCatalog{[](PluginKind kind, const std::string& name) -> const PluginInfo* {
                         for (const auto& p : plugins())
                           if (p.kind == kind && p.name == name) return &p;
                         return nullptr;
                       },
                       [](PluginKind kind) {
                         std::vector<std::string> names;
                         for (const auto& p : plugins())
                           if (p.kind == kind) names.push_back(p.name);
                         return names;
                       }};
}

// Relative includes resolve here: an empty folder, so they fail cleanly.
const std::filesystem::path& folder() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("spbench-fuzz-spec-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const PluginCatalog plugins = catalog();
  const LoadedSpec loaded = load_spec_text(text, "fuzz.yaml", folder());
  std::vector<Diagnostic> diagnostics;
  const ExperimentSpec spec = validate_spec(loaded, plugins, diagnostics);
  (void)format(diagnostics);
  if (!diagnostics.empty()) return 0;
  // A valid spec round-trips through its resolved form.
  const std::string yaml = to_yaml(spec);
  const LoadedSpec again = load_spec_text(yaml, "resolved.yaml", folder());
  std::vector<Diagnostic> second;
  (void)validate_spec(again, plugins, second);
  if (!second.empty()) {
    fprintf(stderr, "resolved spec does not validate:\n%s\n%s\n", yaml.c_str(), format(second).c_str());
    std::abort();
  }
  return 0;
}
