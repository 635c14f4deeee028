// The stand-alone network must reproduce NAS-Bench-201's parameter counts
// exactly: they are a linear function of the operations on the edges, so any
// difference in a building block (a bias, an affine BN, a shortcut) shows up.
// LibTorch first: its glog CHECK macro must not replace Catch's.
#include <torch/torch.h>
#include "catch.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "spbench/engine/model/supernet.hpp"
#include "test_paths.hpp"

using namespace spbench;
using namespace spbench::model;

namespace {

struct Nb201Row {
  int index = 0;
  std::string arch;
  double params_cifar10_m = 0, params_cifar100_m = 0, params_imagenet16_m = 0;
};

// A tiny reader for nb201.csv: no field contains a comma.
std::vector<Nb201Row> read_nb201() {
  std::ifstream in(spbench::test::nb201_csv());
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) header.push_back(f);
  }
  auto column = [&header](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t c_index = column("index"), c_arch = column("arch"), c_p10 = column("params_cifar10_M"),
                    c_p100 = column("params_cifar100_M"), c_p16 = column("params_imagenet16_M");
  std::vector<Nb201Row> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string v; std::getline(ss, v, ',');) f.push_back(v);
    REQUIRE(f.size() == header.size());
    rows.push_back({std::stoi(f[c_index]), f[c_arch], std::stod(f[c_p10]), std::stod(f[c_p100]), std::stod(f[c_p16])});
  }
  return rows;
}

// The table's millions as an exact integer count.
std::int64_t exact_count(double millions) {
  const double count = millions * 1e6;
  REQUIRE(std::abs(count - std::round(count)) < 1e-3);
  return std::llround(count);
}

std::int64_t stand_alone_params(const std::string& arch, int num_classes) {
  NetworkSetup setup;  // C=16, N=5, as in NAS-Bench-201
  setup.num_classes = num_classes;
  return count_parameters(*make_stand_alone(CellArch::parse(arch), setup));
}

}  // namespace

TEST_CASE("Stand-alone networks have NAS-Bench-201's CIFAR-10 parameter counts across the table",
          "[supernet]") {
  const auto rows = read_nb201();
  REQUIRE(rows.size() == 15625u);
  const auto [min_it, max_it] = std::minmax_element(
      rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.params_cifar10_m < b.params_cifar10_m; });
  REQUIRE(exact_count(min_it->params_cifar10_m) == 73306);
  REQUIRE(exact_count(max_it->params_cifar10_m) == 1531546);

  std::vector<const Nb201Row*> sample = {&*min_it, &*max_it};
  for (std::size_t i = 0; i < rows.size(); i += 79) sample.push_back(&rows[i]);  // ~200 spread over the table
  REQUIRE(sample.size() >= 200u);
  for (const Nb201Row* row : sample) {
    INFO("index " << row->index << " " << row->arch);
    CHECK(stand_alone_params(row->arch, 10) == exact_count(row->params_cifar10_m));
  }
}

TEST_CASE("Stand-alone networks have NAS-Bench-201's CIFAR-100 and ImageNet16-120 parameter counts",
          "[supernet]") {
  const auto rows = read_nb201();
  for (int index : {0, 1462, 6111, 857, 9930, 11472}) {
    const Nb201Row& row = rows.at(index);
    REQUIRE(row.index == index);
    INFO("index " << index << " " << row.arch);
    CHECK(stand_alone_params(row.arch, 100) == exact_count(row.params_cifar100_m));
    CHECK(stand_alone_params(row.arch, 120) == exact_count(row.params_imagenet16_m));
  }
}

TEST_CASE("The all-nor_conv_3x3 super-network holds the largest stand-alone network", "[supernet]") {
  // With every candidate on every edge, dropping the parameter-free and
  // 1×1 operations leaves exactly the largest stand-alone network.
  NetworkSetup setup;
  Supernet conv_only(SupernetOptions(setup, SearchSpace(OpSet::of(Op::NorConv3x3).with(Op::None))));
  CHECK(count_parameters(*conv_only) == 1531546);
}
