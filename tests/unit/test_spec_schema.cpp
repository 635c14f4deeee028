// The declarative spec schema: docs/spec.md's key reference agrees with it,
// it drives the resolved-spec printer and equality, and its enum spellings
// agree with setting_name().

#include "catch.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "spbench/engine/spec/schema.hpp"
#include "spbench/engine/spec/spec.hpp"

namespace fs = std::filesystem;
using namespace spbench;

namespace spbench::spec_test {
PluginCatalog fake_catalog();  // test_spec_golden.cpp
}

namespace {

struct DocRow {
  std::string type, default_text, meaning;
};

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(' ');
  const auto b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// Splits "| a | b | c | d |" into its cells (no cell of the reference holds a '|').
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (true) {
    const auto bar = line.find('|', start);
    if (bar == std::string::npos) break;
    out.push_back(trim(line.substr(start, bar - start)));
    start = bar + 1;
  }
  return out;
}

// Every row of the "| key | type | default | meaning |" tables, by full key
// path: a table under "### `supernet`" holds supernet's keys (`bn.affine` is
// supernet.bn.affine); under any other heading, top-level keys.
std::map<std::string, DocRow> doc_rows(const std::string& text, std::vector<std::string>& duplicates) {
  std::map<std::string, DocRow> rows;
  std::istringstream in(text);
  std::string prefix;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("### ", 0) == 0) {
      prefix.clear();
      const auto open = line.find('`');
      const auto close = open == std::string::npos ? open : line.find('`', open + 1);
      if (open != std::string::npos && close != std::string::npos) {
        const std::string name = line.substr(open + 1, close - open - 1);
        if (const SpecKey* k = find_spec_key(name); k && k->type == SpecKeyType::Section) prefix = name + ".";
      }
      in_table = false;
      continue;
    }
    if (line == "| key | type | default | meaning |") {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (line.rfind("|---", 0) == 0) continue;
    if (line.rfind("| `", 0) != 0) {
      in_table = false;
      continue;
    }
    const std::vector<std::string> c = cells(line);
    REQUIRE(c.size() == 4);
    const std::string key = prefix + c[0].substr(1, c[0].size() - 2);
    if (rows.count(key)) duplicates.push_back(key);
    rows[key] = DocRow{c[1], c[2], c[3]};
  }
  return rows;
}

}  // namespace

TEST_CASE("docs/spec.md's key reference lists exactly the schema's keys, with their type, default and meaning",
          "[spec][schema]") {
  std::ifstream in(fs::path(SPBENCH_TEST_SOURCE_DIR).parent_path() / "docs" / "spec.md");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> duplicates;
  std::map<std::string, DocRow> rows = doc_rows(text.str(), duplicates);
  CHECK(duplicates.empty());
  // `include` is the loader's, not a key of the validated spec.
  REQUIRE(rows.erase("include") == 1);

  std::set<std::string> declared;
  for (const SpecKey& key : spec_schema()) {
    if (key.type == SpecKeyType::Section) continue;
    declared.insert(key.path);
    INFO("key " << key.path);
    auto it = rows.find(key.path);
    CHECK(it != rows.end());
    if (it == rows.end()) continue;
    CHECK(it->second.type == key.type_text);
    CHECK(it->second.default_text == key.default_text);
    CHECK(it->second.meaning == key.doc);
  }
  for (const auto& [path, row] : rows) {
    INFO("documented key " << path);
    CHECK(declared.count(path) == 1);
  }
  CHECK(declared.size() >= 45);
}

TEST_CASE("the schema's sections accept exactly the declared keys", "[spec][schema]") {
  const auto& sections = spec_schema_sections();
  CHECK(sections.at("training").size() == 14);
  CHECK(sections.at("supernet") == std::vector<std::string>{"channels", "cells_per_stage", "bn", "topology_sharing"});
  CHECK(sections.at("evaluation.bn") == std::vector<std::string>{"recalibrate", "momentum", "reset"});
  CHECK(sections.at("plugin") == std::vector<std::string>{"name", "options"});
  for (const SpecKey& key : spec_schema()) {
    INFO(key.path);
    CHECK(static_cast<bool>(key.print));  // sections print their header line
    if (key.type != SpecKeyType::Section && key.type != SpecKeyType::Custom) {
      CHECK(key.get);
      CHECK(key.set);
      CHECK(key.fallback);
      CHECK_FALSE(key.doc.empty());
    }
  }
}

TEST_CASE("the enum spellings of the schema are setting_name()'s", "[spec][schema]") {
  ExperimentSpec spec;
  auto spelled = [&](const std::string& path) { return std::get<std::string>(find_spec_key(path)->get(spec)); };
  const SpecKey* precision = find_spec_key("precision");
  REQUIRE(precision);
  for (std::size_t i = 0; i < precision->choices.size(); ++i) {
    spec.precision = static_cast<Precision>(i);
    CHECK(spelled("precision") == setting_name(spec.precision));
  }
  for (std::size_t i = 0; i < find_spec_key("data.dataset")->choices.size(); ++i) {
    spec.data.dataset = static_cast<Dataset>(i);
    CHECK(spelled("data.dataset") == setting_name(spec.data.dataset));
  }
  for (std::size_t i = 0; i < find_spec_key("training.schedule")->choices.size(); ++i) {
    spec.training.schedule = static_cast<LrSchedule>(i);
    CHECK(spelled("training.schedule") == setting_name(spec.training.schedule));
  }
  for (std::size_t i = 0; i < find_spec_key("training.schedule_step")->choices.size(); ++i) {
    spec.training.schedule_step = static_cast<ScheduleStep>(i);
    CHECK(spelled("training.schedule_step") == setting_name(spec.training.schedule_step));
  }
  for (std::size_t i = 0; i < find_spec_key("training.unsampled_gradients")->choices.size(); ++i) {
    spec.training.unsampled_gradients = static_cast<UnsampledGradients>(i);
    CHECK(spelled("training.unsampled_gradients") == setting_name(spec.training.unsampled_gradients));
  }
  for (std::size_t i = 0; i < find_spec_key("training.on_nonfinite_loss")->choices.size(); ++i) {
    spec.training.on_nonfinite_loss = static_cast<NonfiniteLoss>(i);
    CHECK(spelled("training.on_nonfinite_loss") == setting_name(spec.training.on_nonfinite_loss));
  }
  for (std::size_t i = 0; i < find_spec_key("ground_truth.source")->choices.size(); ++i) {
    spec.ground_truth.source = static_cast<GroundTruthSource>(i);
    CHECK(spelled("ground_truth.source") == setting_name(spec.ground_truth.source));
  }
  for (std::size_t i = 0; i < find_spec_key("ground_truth.join")->choices.size(); ++i) {
    spec.ground_truth.join = static_cast<GroundTruthJoin>(i);
    CHECK(spelled("ground_truth.join") == setting_name(spec.ground_truth.join));
  }
}

TEST_CASE("equality follows every declared key", "[spec][schema]") {
  const LoadedSpec loaded = load_spec_text("", "eq.yaml", fs::current_path());
  std::vector<Diagnostic> diagnostics;
  const ExperimentSpec base = validate_spec(loaded, spec_test::fake_catalog(), diagnostics);
  REQUIRE(diagnostics.empty());
  CHECK(base == base);
  // Changing any one typed key (to a value other than its default) breaks equality.
  for (const SpecKey& key : spec_schema()) {
    if (key.type == SpecKeyType::Section || key.type == SpecKeyType::Custom) continue;
    INFO(key.path);
    ExperimentSpec other = base;
    const SpecValue v = key.get(base);
    if (auto* i = std::get_if<std::int64_t>(&v)) key.set(other, SpecValue{*i + 1});
    else if (auto* d = std::get_if<double>(&v)) key.set(other, SpecValue{*d / 2 + 0.125});
    else if (auto* b = std::get_if<bool>(&v)) key.set(other, SpecValue{!*b});
    else if (key.type == SpecKeyType::Choice) key.set(other, SpecValue{key.choices.back() == std::get<std::string>(v) ? key.choices.front() : key.choices.back()});
    else key.set(other, SpecValue{std::get<std::string>(v) + "x"});
    CHECK_FALSE(other == base);
    CHECK(to_yaml(other) != to_yaml(base));
  }
  ExperimentSpec variant = base;
  variant.sampler.options.set("extra", OptionValue{true});
  CHECK(variant != base);
}
