// The samplers' defining properties, checked by counting many draws.

#include "catch.hpp"

#include <map>
#include <sstream>
#include <set>
#include <spbench/sdk/option_parsing.hpp>
#include <spbench/engine/plugins/plugin_registry.hpp>
#include <spbench/sdk/testing/sampler_properties.hpp>
#include <torch/serialize/archive.h>

using namespace spbench;
using spbench::testing::draw_paths;
using spbench::testing::max_uniform_deviation;

namespace {

std::shared_ptr<PathSampler> make(const std::string& name, std::map<std::string, std::string> opts = {}) {
  static PluginRegistry registry;
  const PluginInfo* info = registry.find(PluginKind::Sampler, name);
  REQUIRE(info != nullptr);
  Options o = info->default_options();
  for (const auto& [k, v] : opts) o.set(k, parse_option_value(*info->option(k), v));
  return registry.make_sampler(name, o);
}

SearchSpace space_of(std::initializer_list<Op> ops) {
  OpSet s;
  for (Op op : ops) s = s.with(op);
  return SearchSpace(s);
}

// Counts of each allowed op on one edge, in order.
std::vector<std::int64_t> edge_counts(const spbench::testing::SamplerDraws& d, int cell, int edge, const SearchSpace& space) {
  std::vector<std::int64_t> out;
  for (Op op : kAllOps)
    if (space.edge_ops(edge).contains(op)) out.push_back(d.counts[cell][edge][static_cast<std::size_t>(op)]);
  return out;
}

}  // namespace

TEST_CASE("The uniform sampler's per-edge marginals are uniform within 5 sigma") {
  auto sampler = make("uniform");
  const SearchSpace space;
  const auto d = draw_paths(*sampler, space, 1, 20000, 7);
  CHECK(d.paths == 20000);
  for (int e = 0; e < kNumEdges; ++e) CHECK(max_uniform_deviation(edge_counts(d, 0, e, space), 20000) < 5.0);
}

TEST_CASE("A biased sampler would fail the uniformity bound") {
  // The bound must be able to fail: 22% vs 18% over 20000 draws is 7 sigma off.
  std::vector<std::int64_t> biased{4400, 3600, 4000, 4000, 4000};
  CHECK(max_uniform_deviation(biased, 20000) > 5.0);
}

TEST_CASE("The uniform sampler respects an operation subset and per-cell paths") {
  auto sampler = make("uniform");
  const SearchSpace space = space_of({Op::SkipConnect, Op::NorConv1x1, Op::NorConv3x3});
  const auto d = draw_paths(*sampler, space, 15, 2000, 1);  // throws on an op outside the space
  for (int c = 0; c < 15; c += 7)
    for (int e = 0; e < kNumEdges; ++e) {
      CHECK(d.counts[c][e][static_cast<std::size_t>(Op::None)] == 0);
      CHECK(max_uniform_deviation(edge_counts(d, c, e, space), 2000) < 5.0);
    }
}

TEST_CASE("paths_per_step makes the uniform sampler yield several paths per step") {
  auto sampler = make("uniform", {{"paths_per_step", "3"}});
  const auto d = draw_paths(*sampler, SearchSpace(), 1, 10, 0);
  CHECK(d.paths == 30);
}

TEST_CASE("The strict-fair sampler gives every operation of every edge exactly one gradient per step") {
  auto sampler = make("strict-fair");
  SECTION("full space, shared cells") {
    const auto d = draw_paths(*sampler, SearchSpace(), 1, 500, 3);
    CHECK(d.unfair_steps == 0);
    CHECK(d.paths == 500 * 5);
  }
  SECTION("a three-operation subset, one architecture per cell") {
    const auto d = draw_paths(*sampler, space_of({Op::SkipConnect, Op::NorConv1x1, Op::AvgPool3x3}), 6, 300, 4);
    CHECK(d.unfair_steps == 0);
    CHECK(d.paths == 300 * 3);
  }
  SECTION("its paths still vary: permutations are random") {
    const auto d = draw_paths(*sampler, SearchSpace(), 1, 200, 5);
    CHECK(d.architectures.size() > 500);
  }
}

TEST_CASE("The uniform sampler is not strictly fair, so the fairness count can fail") {
  auto sampler = make("uniform", {{"paths_per_step", "5"}});
  const auto d = draw_paths(*sampler, SearchSpace(), 1, 100, 3);
  CHECK(d.unfair_steps > 90);
}

TEST_CASE("The unique-uniform sampler is uniform over isomorphism classes") {
  auto sampler = make("unique-uniform");
  const SearchSpace space = space_of({Op::None, Op::SkipConnect, Op::NorConv3x3});
  std::map<std::string, std::int64_t> classes;
  for (const auto& a : space.enumerate()) classes[isomorphism_key(a)] = 0;
  const std::int64_t draws = 30000;
  const auto d = draw_paths(*sampler, space, 1, draws, 11);
  for (const auto& [arch, n] : d.architectures) classes[isomorphism_key(arch)] += n;
  std::vector<std::int64_t> counts;
  for (const auto& kv : classes) counts.push_back(kv.second);
  CHECK(counts.size() < static_cast<std::size_t>(space.size()));  // classes merge architectures
  CHECK(max_uniform_deviation(counts, draws) < 5.0);
  // Uniform over architectures would not be uniform over classes.
  auto plain = make("uniform");
  const auto u = draw_paths(*plain, space, 1, draws, 11);
  for (auto& kv : classes) kv.second = 0;
  for (const auto& [arch, n] : u.architectures) classes[isomorphism_key(arch)] += n;
  counts.clear();
  for (const auto& kv : classes) counts.push_back(kv.second);
  CHECK(max_uniform_deviation(counts, draws) > 5.0);
}

TEST_CASE("The functional-uniform sampler is uniform over functionally distinct paths") {
  auto sampler = make("functional-uniform");
  const SearchSpace space = space_of({Op::None, Op::NorConv1x1, Op::AvgPool3x3});
  std::map<CellArch, std::int64_t> classes;
  for (const auto& a : space.enumerate()) classes[functional_reduction(a, false)] = 0;
  const std::int64_t draws = 30000;
  const auto d = draw_paths(*sampler, space, 1, draws, 12);
  for (const auto& [arch, n] : d.architectures) classes[functional_reduction(arch, false)] += n;
  std::vector<std::int64_t> counts;
  for (const auto& kv : classes) counts.push_back(kv.second);
  CHECK(max_uniform_deviation(counts, draws) < 5.0);
}

TEST_CASE("The round-robin sampler visits every architecture once per cycle and resumes in place") {
  const SearchSpace space = space_of({Op::SkipConnect, Op::NorConv3x3});  // 64 architectures
  auto sampler = make("round-robin");
  auto d = draw_paths(*sampler, space, 1, 64 * 3, 2);
  REQUIRE(d.architectures.size() == 64);
  for (const auto& kv : d.architectures) CHECK(kv.second == 3);

  // Save after 10 steps, restore into a fresh sampler: the next steps agree.
  auto a = make("round-robin");
  a->begin(space, 1);
  Rng rng_a(9);
  for (int i = 0; i < 10; ++i) a->next_step(rng_a);
  torch::serialize::OutputArchive out;
  a->save_state(out);
  std::ostringstream bytes;
  out.save_to(bytes);
  auto b = make("round-robin");
  b->begin(space, 1);
  std::istringstream in_bytes(bytes.str());
  torch::serialize::InputArchive in;
  in.load_from(in_bytes);
  b->load_state(in);
  Rng rng_b = rng_a;
  for (int i = 0; i < 100; ++i) CHECK(a->next_step(rng_a)[0].cells[0] == b->next_step(rng_b)[0].cells[0]);
}
