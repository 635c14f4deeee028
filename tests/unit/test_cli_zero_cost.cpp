// `spbench zero-cost` end to end: CIFAR-10 (../shared/data), a tiny network,
// two seeds, per-proxy predictions files that `spbench stats paired`
// compares over seeds like super-network runs; the cache answers a rerun.

#include "catch.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_spbench.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using spbench::test::run_spbench;

namespace {

struct Column {
  std::vector<double> prediction, truth;
};

// prediction and truth of a predictions.csv-format file (no quoted commas:
// architecture strings hold none).
Column read_predictions(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "arch,index,prediction,loss,truth");
  Column c;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string x; std::getline(s, x, ',');) f.push_back(x);
    REQUIRE(f.size() == 5);
    c.prediction.push_back(std::stod(f[2]));
    c.truth.push_back(std::stod(f[4]));
  }
  return c;
}

// Kendall's tau-b by counting pairs, independent of spbench's code.
double kendall(const Column& c) {
  double concordant = 0, discordant = 0, ties_x = 0, ties_y = 0;
  for (std::size_t i = 0; i < c.truth.size(); ++i)
    for (std::size_t j = i + 1; j < c.truth.size(); ++j) {
      const double dx = c.prediction[i] - c.prediction[j], dy = c.truth[i] - c.truth[j];
      if (dx == 0 && dy == 0) continue;
      if (dx == 0) {
        ++ties_x;
      } else if (dy == 0) {
        ++ties_y;
      } else {
        (dx * dy > 0 ? concordant : discordant) += 1;
      }
    }
  return (concordant - discordant) /
         std::sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y));
}

}  // namespace

TEST_CASE("spbench zero-cost writes a predictions file per proxy and seed, and stats paired compares them over seeds",
          "[cli][zero_cost]") {
  const fs::path dir = spbench::test::scratch_dir("cli_zero_cost");
  std::ofstream(dir / "archs.txt") << "0\n7\n1462\n5374\n11472\n15624\n";
  const std::string common = "zero-cost --archs list:'" + (dir / "archs.txt").string() +
                             "' --proxies synflow,snip --channels 4 --cells 1 --batch 8 --threads 1 --data-root '" +
                             spbench::test::data_root().string() + "' --truth '" +
                             spbench::test::nb201_csv().string() + "' --cache '" + (dir / "cache").string() + "'";
  for (int seed : {0, 1}) {
    const auto r = run_spbench(common + " --seed " + std::to_string(seed) + " --out '" +
                               (dir / ("scores-" + std::to_string(seed) + ".csv")).string() + "' --predictions-dir '" +
                               (dir / ("seed-" + std::to_string(seed))).string() + "'");
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(r.output.find("wrote") != std::string::npos);
  }
  // A rerun reads every score from the cache.
  const auto again = run_spbench(common + " --seed 1 --out '" + (dir / "again.csv").string() + "'");
  INFO(again.output);
  REQUIRE(again.status == 0);
  CHECK(again.output.find("computed") == std::string::npos);
  CHECK(spbench::test::read_file(dir / "again.csv") == spbench::test::read_file(dir / "scores-1.csv"));

  const auto file = [&](int seed, const std::string& proxy) {
    return dir / ("seed-" + std::to_string(seed)) / (proxy + ".csv");
  };
  // synflow and snip at seed 0 and 1: every architecture, its NB201 truth.
  std::vector<std::vector<double>> tau(2);
  for (int seed : {0, 1})
    for (const std::string proxy : {"synflow", "snip"}) {
      const Column c = read_predictions(file(seed, proxy));
      REQUIRE(c.truth.size() == 6);
      tau[proxy == "synflow" ? 0 : 1].push_back(kendall(c));
    }

  const auto r = run_spbench("stats paired '" + file(0, "synflow").string() + "','" + file(1, "synflow").string() +
                             "' '" + file(0, "snip").string() + "','" + file(1, "snip").string() +
                             "' --resamples 50");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  CHECK(j.at("architectures").get<int>() == 6);
  const auto& k = j.at("metrics").at("kendall_tau");
  REQUIRE(k.at("values").size() == 2);
  for (std::size_t s = 0; s < 2; ++s) {
    CHECK(k.at("values")[s].get<double>() == Approx(tau[0][s]).margin(1e-12));
    CHECK(k.at("baseline_values")[s].get<double>() == Approx(tau[1][s]).margin(1e-12));
  }
  CHECK(k.at("delta").get<double>() == Approx((tau[0][0] + tau[0][1] - tau[1][0] - tau[1][1]) / 2).margin(1e-12));
}
