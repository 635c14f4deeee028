#include "catch.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "csv_table.hpp"
#include "spbench/sdk/architecture_cost.hpp"
#include "spbench/sdk/cell_architecture.hpp"
#include "test_paths.hpp"

using namespace spbench;

namespace {

const test::CsvTable& nb201() {
  static const test::CsvTable table(test::nb201_csv().string());
  return table;
}

struct DataSet {
  const char* name;
  int num_classes;
  int input_size;
};
constexpr DataSet kDataSets[] = {{"cifar10", 10, 32}, {"cifar100", 100, 32}, {"imagenet16", 120, 16}};

NetworkShape shape_for(const DataSet& ds) {
  NetworkShape s;
  s.num_classes = ds.num_classes;
  s.input_size = ds.input_size;
  return s;
}

}  // namespace

TEST_CASE("Parameters and FLOPs match NAS-Bench-201 for every architecture and data set", "[architecture_cost]") {
  const auto& t = nb201();
  REQUIRE(t.size() == static_cast<std::size_t>(kNumArchitectures));
  for (const DataSet& ds : kDataSets) {
    const NetworkShape shape = shape_for(ds);
    const std::string params_col = std::string("params_") + ds.name + "_M";
    const std::string flops_col = std::string("flops_") + ds.name + "_M";
    double worst_params = 0, worst_flops = 0;
    for (std::size_t row = 0; row < t.size(); ++row) {
      const ArchitectureCost cost = architecture_cost(CellArch::parse(t.get(row, "arch")), shape);
      worst_params = std::max(worst_params, std::abs(cost.params_M - t.number(row, params_col)));
      worst_flops = std::max(worst_flops, std::abs(cost.flops_M - t.number(row, flops_col)));
    }
    INFO(ds.name);
    CHECK(worst_params < 1e-6);
    CHECK(worst_flops < 1e-6);
  }
}

TEST_CASE("Cost extremes are those the benchmark documents", "[architecture_cost]") {
  double min_params = 1e9, max_params = 0, min_flops = 1e9, max_flops = 0;
  for (int c = 0; c < kNumArchitectures; ++c) {
    const ArchitectureCost cost = architecture_cost(CellArch::from_code(c));
    min_params = std::min(min_params, cost.params_M);
    max_params = std::max(max_params, cost.params_M);
    min_flops = std::min(min_flops, cost.flops_M);
    max_flops = std::max(max_flops, cost.flops_M);
  }
  CHECK(min_params == Approx(0.073306).margin(1e-9));
  CHECK(max_params == Approx(1.531546).margin(1e-9));
  CHECK(min_flops == Approx(7.94).margin(0.005));
  CHECK(max_flops == Approx(222.86).margin(0.005));
}

TEST_CASE("The cost breakdown covers the network part by part", "[architecture_cost]") {
  const CellArch arch = CellArch::parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|");
  const ArchitectureCost cost = architecture_cost(arch);
  std::vector<std::string> names;
  std::int64_t params = 0, flops = 0;
  for (const CostPart& p : cost.parts) {
    names.push_back(p.name);
    params += p.params;
    flops += p.flops;
  }
  CHECK(names == std::vector<std::string>{"stem", "cells 1", "reduction 1", "cells 2", "reduction 2", "cells 3",
                                          "head"});
  CHECK(params == cost.params);
  CHECK(flops == cost.flops);
  CHECK(cost.params_M == Approx(cost.params / 1e6));
  CHECK(cost.flops_M == Approx(cost.flops / 1e6));
  // Only the cells depend on the architecture.
  const ArchitectureCost empty = architecture_cost(CellArch{});
  for (std::size_t i : {0u, 2u, 4u, 6u}) {
    CHECK(cost.parts[i].params == empty.parts[i].params);
    CHECK(cost.parts[i].flops == empty.parts[i].flops);
  }
  for (std::size_t i : {1u, 3u, 5u}) {
    CHECK(empty.parts[i].params == 0);
    CHECK(cost.parts[i].flops > 0);
  }
}

TEST_CASE("Skip connections and none cost nothing and every edge adds its own cost", "[architecture_cost]") {
  const ArchitectureCost empty = architecture_cost(CellArch{});
  CellArch skips;
  skips.ops.fill(Op::SkipConnect);
  CHECK(architecture_cost(skips).flops == empty.flops);
  CHECK(architecture_cost(skips).params == empty.params);

  // Additivity: the cost over the all-none network is the sum of per-edge costs.
  for (int c = 0; c < kNumArchitectures; c += 7) {
    const CellArch arch = CellArch::from_code(c);
    std::int64_t params = empty.params, flops = empty.flops;
    for (int e = 0; e < kNumEdges; ++e) {
      CellArch single;
      single.ops[e] = arch.ops[e];
      const ArchitectureCost one = architecture_cost(single);
      params += one.params - empty.params;
      flops += one.flops - empty.flops;
    }
    const ArchitectureCost cost = architecture_cost(arch);
    REQUIRE(cost.params == params);
    REQUIRE(cost.flops == flops);
  }
}

TEST_CASE("A per-cell path with the same cell everywhere costs as much as the shared cell", "[architecture_cost]") {
  const CellArch a = CellArch::from_code(4242);
  const NetworkShape shape;
  const Path per_cell{std::vector<CellArch>(3 * shape.cells_per_stage, a)};
  CHECK(architecture_cost(per_cell, shape).flops == architecture_cost(a, shape).flops);
  CHECK(architecture_cost(per_cell, shape).params == architecture_cost(a, shape).params);

  // One conv cell more in the last stage costs more than in the first (more channels).
  Path first = per_cell, last = per_cell;
  CellArch conv;
  conv.ops.fill(Op::NorConv3x3);
  first.cells.front() = conv;
  last.cells.back() = conv;
  CHECK(architecture_cost(last, shape).params > architecture_cost(first, shape).params);
  CHECK_THROWS_AS(architecture_cost(Path{{a, a}}, shape), std::invalid_argument);
}

TEST_CASE("Impossible network shapes are rejected", "[architecture_cost]") {
  NetworkShape s;
  s.input_size = 30;
  CHECK_THROWS_AS(architecture_cost(CellArch{}, s), std::invalid_argument);
  s = NetworkShape{};
  s.channels = 0;
  CHECK_THROWS_AS(architecture_cost(CellArch{}, s), std::invalid_argument);
  s = NetworkShape{};
  s.num_classes = 0;
  CHECK_THROWS_AS(architecture_cost(CellArch{}, s), std::invalid_argument);
}
