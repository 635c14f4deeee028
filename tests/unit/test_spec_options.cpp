// One options gate: plugin options are read by the spec's value parser, and
// the registry fills defaults and checks type, range and choices before a
// plugin's constructor runs.

#include "catch.hpp"

#include <filesystem>
#include <fstream>

#include "run_spbench.hpp"
#include "spbench/sdk/option_parsing.hpp"
#include "spbench/sdk/plugin.hpp"
#include "spbench/engine/plugins/plugin_registry.hpp"
#include "spbench/engine/spec/spec.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace spbench;

namespace spbench::spec_test {
PluginCatalog fake_catalog();  // test_spec_golden.cpp
}

namespace {

OptionInfo info(OptionType type, std::string default_yaml, std::vector<std::string> choices = {},
                ValueRange range = {}) {
  return OptionInfo{"x", type, std::move(default_yaml), "", std::move(choices), range};
}

std::vector<Diagnostic> diagnostics_of(const std::string& text) {
  std::vector<Diagnostic> out;
  validate_spec(load_spec_text(text, "o.yaml", fs::current_path()), spec_test::fake_catalog(), out);
  return out;
}

// A sampler that records what its constructor received.
int g_constructed = 0;
Options g_received;

class RecordingSampler final : public PathSampler {
 public:
  explicit RecordingSampler(const Options& options) {
    ++g_constructed;
    g_received = options;
  }
  void begin(const SearchSpace&, int) override {}
  std::vector<Path> next_step(Rng&) override { return {Path::shared(CellArch{})}; }
};

const OptionSpec kRecordingOptions[] = {
    {"rate", OptionType::Float, "0.5", "a rate", nullptr, "[0, 1)"},
    {"count", OptionType::Int, "2", "a count", nullptr, ">= 1"},
    {"mode", OptionType::String, "fast", "a mode", "fast|slow"},
    {"flag", OptionType::Bool, "true", "a flag"},
};

const PluginDescriptor* recording_descriptor() {
  static const PluginDescriptor d =
      make_plugin_descriptor<RecordingSampler>("recording", "1.0.0", "records its options", kRecordingOptions);
  return &d;
}

}  // namespace

TEST_CASE("nan, inf, hex and mixed-case bools are refused for plugin options as for spec values", "[spec][options]") {
  for (const char* text : {"nan", "inf", "-inf", ".inf", "0x10", "1e999"}) {
    INFO(text);
    CHECK_THROWS_AS(parse_option_value(info(OptionType::Float, "0"), text), OptionValueError);
    double d = 0;
    CHECK_FALSE(parse_float_scalar(text, d));
    CHECK_FALSE(diagnostics_of(std::string("training: {learning_rate: ") + text + "}").empty());
    CHECK_FALSE(diagnostics_of(std::string("variants: [{name: label-smoothing, options: {epsilon: ") + text + "}}]")
                    .empty());
  }
  for (const char* text : {"0x10", "1.0", "1e3", "", "12abc"}) {
    INFO(text);
    CHECK_THROWS_AS(parse_option_value(info(OptionType::Int, "0"), text), OptionValueError);
  }
  for (const char* text : {"tRuE", "tRUE", "FaLsE", "1", "y"}) {
    INFO(text);
    CHECK_THROWS_AS(parse_option_value(info(OptionType::Bool, "false"), text), OptionValueError);
    CHECK_FALSE(diagnostics_of(std::string("channels_last: ") + text).empty());
    CHECK_FALSE(
        diagnostics_of(std::string("variants: [{name: lr-warmup, options: {enabled: ") + text + "}}]").empty());
  }
  // What the spec accepts, options accept.
  CHECK(std::get<bool>(parse_option_value(info(OptionType::Bool, "false"), "TRUE")));
  CHECK(std::get<double>(parse_option_value(info(OptionType::Float, "0"), "5e-4")) == 5e-4);
  CHECK(std::get<std::int64_t>(parse_option_value(info(OptionType::Int, "0"), "+7")) == 7);
}

TEST_CASE("an option's declared range is checked when parsed, with the spec's wording", "[spec][options]") {
  const OptionInfo rate = info(OptionType::Float, "0.5", {}, parse_value_range("[0, 1)"));
  CHECK(std::get<double>(parse_option_value(rate, "0")) == 0.0);
  try {
    parse_option_value(rate, "1");
    FAIL("1 accepted for [0, 1)");
  } catch (const OptionValueError& e) {
    CHECK(std::string(e.what()) == "expected a number in [0, 1), got '1'");
  }
  const OptionInfo count = info(OptionType::Int, "1", {}, parse_value_range(">= 1"));
  CHECK_THROWS_WITH(parse_option_value(count, "0"), "expected an integer >= 1, got '0'");
  CHECK_THROWS_AS(parse_value_range("between 0 and 1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_value_range("[1, 0]"), std::invalid_argument);
  CHECK(parse_value_range("> 0").describe() == "a number > 0");
}

TEST_CASE("the registry fills defaults and checks type, range and choices before a constructor runs",
          "[spec][options][registry]") {
  PluginRegistry registry(false);
  const PluginInfo& plugin = registry.add_descriptor(recording_descriptor(), "(test)");
  REQUIRE(plugin.option("rate")->range.high == 1.0);

  g_constructed = 0;
  Options some;
  some.set("count", OptionValue{std::int64_t{3}});
  some.set("rate", OptionValue{std::int64_t{0}});  // an integer is a fine float
  registry.make_sampler("recording", some);
  REQUIRE(g_constructed == 1);
  CHECK(g_received.values().size() == 4);
  CHECK(g_received.get_int("count") == 3);
  CHECK(std::holds_alternative<double>(g_received.values().at("rate")));
  CHECK(g_received.get_string("mode") == "fast");
  CHECK(g_received.get_bool("flag"));

  auto refused = [&](const std::string& name, OptionValue value) {
    Options o;
    o.set(name, std::move(value));
    try {
      registry.make_sampler("recording", o);
    } catch (const OptionError& e) {
      CHECK(std::string(e.what()).find(e.option()) != std::string::npos);
      return e.option();
    }
    return std::string();
  };
  g_constructed = 0;
  CHECK(refused("rate", OptionValue{1.0}) == "rate");
  CHECK(refused("rate", OptionValue{std::string("0.5")}) == "rate");
  CHECK(refused("count", OptionValue{std::int64_t{0}}) == "count");
  CHECK(refused("count", OptionValue{2.0}) == "count");
  CHECK(refused("mode", OptionValue{std::string("slwo")}) == "mode");
  CHECK(refused("flag", OptionValue{std::string("yes")}) == "flag");
  CHECK(refused("rat", OptionValue{0.5}) == "rat");  // unknown names too
  CHECK(g_constructed == 0);
}

TEST_CASE("a plugin's bad range declaration refuses the plugin at registration", "[spec][options][registry]") {
  static const OptionSpec bad[] = {{"rate", OptionType::Float, "0.5", "a rate", nullptr, "0..1"}};
  static const PluginDescriptor d = make_plugin_descriptor<RecordingSampler>("bad-range", "1.0.0", "bad", bad);
  PluginRegistry registry(false);
  CHECK_THROWS_AS(registry.add_descriptor(&d, "(test)"), PluginError);
  static const OptionSpec out_of_range[] = {{"rate", OptionType::Float, "2", "a rate", nullptr, "[0, 1)"}};
  static const PluginDescriptor d2 =
      make_plugin_descriptor<RecordingSampler>("bad-default", "1.0.0", "bad", out_of_range);
  CHECK_THROWS_AS(registry.add_descriptor(&d2, "(test)"), PluginError);
}

TEST_CASE("an unknown plugin option fails at validate, with a did-you-mean", "[spec][options]") {
  const auto d = diagnostics_of("sampler: uniform\nvariants:\n  - name: label-smoothing\n    options: {epsilom: 0.2}\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].str() ==
        "o.yaml:4:15: error: variants[0].options.epsilom: unknown option of variant 'label-smoothing'\n"
        "  did you mean 'epsilon'?");
}

TEST_CASE("a plugin's option error is a spec error at the option's own line, exit status 2", "[spec][options][cli]") {
  const fs::path dir = test::scratch_dir("spec-option-errors");
  // The constructor refuses epochs_per_subnetwork = 0 (line 4): no range can say ">= 1 or -1".
  std::ofstream(dir / "eps.yaml") << "name: eps\n"
                                     "strategy:\n"
                                     "  name: few-shot\n"
                                     "  options: {epochs_per_subnetwork: 0}\n";
  const test::CliResult r = test::run_spbench("validate '" + (dir / "eps.yaml").string() + "'");
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("eps.yaml:4:36: error: strategy.options.epochs_per_subnetwork: strategy "
                                       "'few-shot': option 'epochs_per_subnetwork': "));
  CHECK_THAT(r.output, !Catch::Contains("error: error"));
  CHECK(r.output.rfind("error:", 0) != 0);

  // A declared range ("[0, 1)") is checked by the schema: same place, same form, same status.
  std::ofstream(dir / "range.yaml") << "variants:\n"
                                       "  - name: label-smoothing\n"
                                       "    options: {epsilon: 1.5}\n";
  const test::CliResult g = test::run_spbench("validate '" + (dir / "range.yaml").string() + "'");
  INFO(g.output);
  CHECK(g.status == 2);
  CHECK_THAT(g.output, Catch::Contains("range.yaml:3:24: error: variants[0].options.epsilon: expected a number in [0, 1), got '1.5'"));

  // A check against the run setup (validate()) is reported the same way.
  std::ofstream(dir / "split.yaml") << "search_space: {ops: [nor_conv_3x3]}\n"
                                       "strategy:\n"
                                       "  name: few-shot\n"
                                       "  options:\n"
                                       "    split_edges: [1]\n";
  const test::CliResult s = test::run_spbench("validate '" + (dir / "split.yaml").string() + "'");
  INFO(s.output);
  CHECK(s.status == 2);
  CHECK_THAT(s.output, Catch::Contains("split.yaml:5:18: error: strategy.options.split_edges: strategy 'few-shot': "
                                       "option 'split_edges': "));

  // An unknown option: the validator's did-you-mean, same format and status.
  std::ofstream(dir / "typo.yaml") << "variants:\n  - {name: label-smoothing, options: {epsilom: 0.2}}\n";
  const test::CliResult t = test::run_spbench("validate '" + (dir / "typo.yaml").string() + "'");
  INFO(t.output);
  CHECK(t.status == 2);
  CHECK_THAT(t.output, Catch::Contains("typo.yaml:2:39: error: variants[0].options.epsilom: unknown option") &&
                           Catch::Contains("did you mean 'epsilon'?"));
}

TEST_CASE("Reading an option the schema does not hold names it and the declared option it resembles", "[options]") {
  Options o;
  o.set("weight", OptionValue{2.0});
  o.set("warmup_epochs", OptionValue{std::int64_t{5}});
  try {
    (void)o.get_float("wieght");
    FAIL("no OptionError");
  } catch (const OptionError& e) {
    CHECK(std::string(e.what()).find("unknown option 'wieght' (did you mean 'weight'?)") != std::string::npos);
  }
  try {
    (void)o.get_string("momentum");
    FAIL("no OptionError");
  } catch (const OptionError& e) {
    CHECK(std::string(e.what()).find("unknown option 'momentum' (the options: warmup_epochs, weight)") != std::string::npos);
  }
  CHECK(o.get_float("weight") == 2.0);
}
