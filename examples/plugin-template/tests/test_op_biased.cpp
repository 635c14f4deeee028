// Properties of the op-biased sampler, checked by counting many draws with
// spbench's sampler property helpers. The sampler is linked in statically
// (the op-biased_static object library), so no .so is loaded.

// Catch2 through the SDK's header: 2.x or 3.x, whichever is installed, and
// LibTorch's one-argument CHECK kept from replacing Catch's.
#include <spbench/sdk/testing/catch.hpp>

#include <cmath>
#include <map>
#include <spbench/sdk/option_parsing.hpp>
#include <spbench/engine/plugins/plugin_registry.hpp>
#include <spbench/sdk/testing/sampler_properties.hpp>

using namespace spbench;
using spbench::testing::draw_paths;
using spbench::testing::max_uniform_deviation;

namespace {

// The plugin as `spbench run` would make it: schema defaults, then the given
// options parsed from YAML text the way a spec's values are.
std::shared_ptr<PathSampler> make(std::map<std::string, std::string> options = {}) {
  static PluginRegistry registry;  // holds the statically linked plugins
  const PluginInfo* info = registry.find(PluginKind::Sampler, "op-biased");
  REQUIRE(info != nullptr);
  Options o = info->default_options();
  for (const auto& [name, yaml] : options) o.set(name, parse_option_value(*info->option(name), yaml));
  return registry.make_sampler("op-biased", o);
}

std::int64_t count(const spbench::testing::SamplerDraws& d, int edge, Op op) {
  return d.counts[0][edge][static_cast<std::size_t>(op)];
}

}  // namespace

TEST_CASE("With weight 1 every edge is uniform within 5 sigma") {
  auto sampler = make({{"weight", "1"}});
  const auto d = draw_paths(*sampler, SearchSpace(), 1, 20000, 1);
  CHECK(d.paths == 20000);  // one path per step
  for (int e = 0; e < kNumEdges; ++e) {
    std::vector<std::int64_t> counts;
    for (Op op : kAllOps) counts.push_back(count(d, e, op));
    CHECK(max_uniform_deviation(counts, 20000) < 5.0);
  }
}

TEST_CASE("The favoured operation gets weight/(weight + k - 1) of the draws, the others share the rest evenly") {
  auto sampler = make({{"favour", "skip_connect"}, {"weight", "3"}});
  const std::int64_t n = 20000;
  const auto d = draw_paths(*sampler, SearchSpace(), 1, n, 2);
  const double p = 3.0 / (3.0 + 4.0);
  for (int e = 0; e < kNumEdges; ++e) {
    const double favoured = static_cast<double>(count(d, e, Op::SkipConnect));
    CHECK(std::abs(favoured - n * p) / std::sqrt(n * p * (1 - p)) < 5.0);
    std::vector<std::int64_t> others;
    for (Op op : kAllOps)
      if (op != Op::SkipConnect) others.push_back(count(d, e, op));
    std::int64_t rest = 0;
    for (auto c : others) rest += c;
    CHECK(max_uniform_deviation(others, rest) < 5.0);
  }
}

TEST_CASE("Operations outside the search space are never drawn, and every cell gets an architecture") {
  auto sampler = make();
  const SearchSpace space(OpSet().with(Op::SkipConnect).with(Op::NorConv3x3));
  // draw_paths throws on a wrong cell count or an operation outside the space.
  const auto d = draw_paths(*sampler, space, 3, 1000, 3);
  CHECK(d.counts.size() == 3);
  CHECK(count(d, 0, Op::None) == 0);
  CHECK(count(d, 0, Op::NorConv3x3) > count(d, 0, Op::SkipConnect));  // weight 2 by default
}

TEST_CASE("Bad options are refused, naming the option") {
  SECTION("a non-positive weight: outside the schema's range \"> 0\", refused before the constructor") {
    try {
      make({{"weight", "0"}});
      FAIL("weight 0 was accepted");
    } catch (const std::exception& e) {
      CHECK(std::string(e.what()).find("> 0") != std::string::npos);
    }
  }
  SECTION("favouring an operation the search space excludes") {
    auto sampler = make({{"favour", "none"}});
    RunSetup setup;
    setup.space = SearchSpace(OpSet().with(Op::SkipConnect).with(Op::NorConv3x3));
    try {
      sampler->validate(setup);
      FAIL("favour: none was accepted");
    } catch (const OptionError& e) {
      CHECK(e.option() == "favour");
    }
  }
  SECTION("a value outside the declared choices never reaches the plugin") {
    PluginRegistry registry;
    CHECK_THROWS_AS(parse_option_value(*registry.find("op-biased")->option("favour"), "conv_5x5"),
                    OptionValueError);
  }
}
