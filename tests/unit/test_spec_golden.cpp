// Golden error messages: every tests/golden/spec/NAME.yaml that has a
// NAME.expected is loaded and validated (with the --set overrides listed one
// per line in NAME.args, if present); the formatted diagnostics must equal
// NAME.expected byte for byte. SPBENCH_UPDATE_GOLDEN=1 rewrites the
// .expected files instead (review the diff before committing).

#include "catch.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "spbench/sdk/plugin_info.hpp"
#include "spbench/engine/spec/spec.hpp"

namespace fs = std::filesystem;

namespace spbench::spec_test {

namespace {

OptionInfo option(std::string name, OptionType type, std::string default_yaml, std::vector<std::string> choices = {}) {
  return OptionInfo{std::move(name), type, std::move(default_yaml), "", std::move(choices), {}};
}

PluginInfo plugin(PluginKind kind, std::string name, std::vector<OptionInfo> options = {}) {
  PluginInfo info{};
  info.kind = kind;
  info.name = std::move(name);
  info.version = "1.0.0";
  info.source = "(test)";
  info.options = std::move(options);
  return info;
}

}  // namespace

// The plugins the spec tests pretend are loaded (shared with
// test_spec_semantics.cpp): enough kinds, option types and choices to
// exercise every check without a real registry.
const std::vector<PluginInfo>& fake_plugins() {
  static const std::vector<PluginInfo> plugins = {
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
      plugin(PluginKind::Variant, "lr-warmup",
             {option("epochs", OptionType::Int, "1"), option("enabled", OptionType::Bool, "true")}),
  };
  return plugins;
}

PluginCatalog fake_catalog() {
  return PluginCatalog{[](PluginKind kind, const std::string& name) -> const PluginInfo* {
                         for (const auto& p : fake_plugins())
                           if (p.kind == kind && p.name == name) return &p;
                         return nullptr;
                       },
                       [](PluginKind kind) {
                         std::vector<std::string> names;
                         for (const auto& p : fake_plugins())
                           if (p.kind == kind) names.push_back(p.name);
                         return names;
                       }};
}

}  // namespace spbench::spec_test

namespace {

fs::path golden_dir() { return fs::path(SPBENCH_TEST_SOURCE_DIR) / "golden" / "spec"; }

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> read_args(const fs::path& file) {
  std::vector<std::string> args;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) args.push_back(line);
  return args;
}

std::string diagnostics_for(const fs::path& spec, const std::vector<std::string>& sets) {
  spbench::LoadOptions options;
  options.display_base = golden_dir();
  options.sets = sets;
  const spbench::LoadedSpec loaded = spbench::load_spec_tree(spec, options);
  std::vector<spbench::Diagnostic> diagnostics;
  spbench::validate_spec(loaded, spbench::spec_test::fake_catalog(), diagnostics);
  return spbench::format(diagnostics);
}

}  // namespace

TEST_CASE("every golden bad spec produces exactly its expected error messages", "[spec][golden]") {
  std::vector<fs::path> expected_files;
  for (const auto& entry : fs::directory_iterator(golden_dir()))
    if (entry.path().extension() == ".expected") expected_files.push_back(entry.path());
  std::sort(expected_files.begin(), expected_files.end());
  REQUIRE(expected_files.size() >= 12);

  const char* update = std::getenv("SPBENCH_UPDATE_GOLDEN");
  for (const auto& expected_file : expected_files) {
    fs::path spec = expected_file;
    spec.replace_extension(".yaml");
    fs::path args = expected_file;
    args.replace_extension(".args");
    const std::string actual = diagnostics_for(spec, read_args(args));
    if (update && std::string(update) == "1") {
      std::ofstream(expected_file, std::ios::binary) << actual;
      continue;
    }
    INFO("golden: " << expected_file.filename().string());
    CHECK(actual == read_text(expected_file));
  }
}

TEST_CASE("every golden bad spec reports at least one error", "[spec][golden]") {
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    if (entry.path().extension() != ".expected") continue;
    INFO("golden: " << entry.path().filename().string());
    CHECK_FALSE(read_text(entry.path()).empty());
  }
}

TEST_CASE("the golden good spec validates without errors", "[spec][golden]") {
  CHECK(diagnostics_for(golden_dir() / "good.yaml", {}) == "");
}
