// The metric registry: docs/metrics.md's table agrees with it, every place
// that lists metrics follows it (reports, JSON read back, loss rescoring,
// table columns, the paired comparison), and the weighted Kendall tau it
// added against an independent pair-by-pair count.

#include "catch.hpp"

#include <spbench/analysis/metrics/correlation.hpp>
#include <spbench/analysis/metrics/metric_registry.hpp>
#include <spbench/analysis/metrics/ranking_metrics.hpp>
#include <spbench/analysis/metrics/reference_predictors.hpp>
#include <spbench/analysis/statistics/paired_comparison.hpp>
#include <spbench/analysis/tables/ablation_table.hpp>
#include <spbench/util/uniform_index.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace spbench;
using namespace spbench::metrics;
namespace fs = std::filesystem;

namespace {

// The weighted tau of one ranking, pair by pair (O(n^2)), straight from the
// definition: every pair weighs 1/(r_i+1) + 1/(r_j+1) by the decreasing
// lexicographic rank of (a, b).
double weighted_tau_by_pairs_one(const std::vector<double>& x, const std::vector<double>& y,
                                 const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = x.size();
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    if (a[i] != a[j]) return a[i] > a[j];
    if (b[i] != b[j]) return b[i] > b[j];
    return i > j;  // the other way round from the library: must not matter
  });
  std::vector<double> w(n);
  for (std::size_t r = 0; r < n; ++r) w[order[r]] = 1.0 / static_cast<double>(r + 1);
  double num = 0, nx = 0, ny = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double wij = w[i] + w[j];
      const int sx = (x[i] > x[j]) - (x[i] < x[j]);
      const int sy = (y[i] > y[j]) - (y[i] < y[j]);
      num += wij * sx * sy;
      nx += sx != 0 ? wij : 0;
      ny += sy != 0 ? wij : 0;
    }
  return num / std::sqrt(nx * ny);
}

double weighted_tau_by_pairs(const std::vector<double>& x, const std::vector<double>& y) {
  return 0.5 * (weighted_tau_by_pairs_one(x, y, x, y) + weighted_tau_by_pairs_one(x, y, y, x));
}

struct DocRow {
  std::string heading, higher, interval, paired, meaning;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The rows of docs/metrics.md's registry table (the one under "| key |"),
// by key; "\|" inside a cell is a literal bar.
std::map<std::string, DocRow> registry_table() {
  std::ifstream in(fs::path(SPBENCH_TEST_SOURCE_DIR).parent_path() / "docs" / "metrics.md");
  REQUIRE(in);
  std::map<std::string, DocRow> rows;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| key | heading |", 0) == 0) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (line.rfind("|---", 0) == 0) continue;
    if (line.empty() || line[0] != '|') break;
    std::vector<std::string> cells;
    std::string cell;
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
        cell += '|';
        ++i;
      } else if (line[i] == '|') {
        cells.push_back(trim(cell));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    REQUIRE(cells.size() == 6);
    std::string key = cells[0];
    if (key.size() > 2 && key.front() == '`' && key.back() == '`') key = key.substr(1, key.size() - 2);
    rows[key] = DocRow{cells[1], cells[2], cells[3], cells[4], cells[5]};
  }
  return rows;
}

const char* yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

TEST_CASE("docs/metrics.md's registry table lists exactly the registry's metrics, with their heading, flags and meaning",
          "[metrics][registry]") {
  const auto rows = registry_table();
  REQUIRE(!rows.empty());
  std::set<std::string> keys;
  for (const auto& m : ranking_metrics()) {
    const std::string key(m.key);
    INFO("metric " << key);
    CHECK(keys.insert(key).second);  // keys are unique
    auto it = rows.find(key);
    REQUIRE(it != rows.end());
    CHECK(it->second.heading == std::string(m.text_title));
    CHECK(it->second.higher == yes_no(m.higher_is_better));
    CHECK(it->second.interval == yes_no(m.bootstrap));
    CHECK(it->second.paired == yes_no(m.paired));
    CHECK(it->second.meaning == std::string(m.doc));
    // An interval is only computed for scalars of the report.
    if (m.bootstrap) CHECK(m.scalar());
  }
  CHECK(rows.size() == ranking_metrics().size());
}

TEST_CASE("Weighted Kendall tau equals the pair-by-pair definition, with and without ties", "[metrics][registry]") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 1);
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t n = 5 + static_cast<std::size_t>(trial) * 7;
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = noise(rng);
      y[i] = x[i] + noise(rng);
      if (trial % 2 == 1) {  // rounded: many ties in x, in y and in both
        x[i] = std::round(x[i]);
        y[i] = std::round(y[i]);
      }
    }
    INFO("trial " << trial << ", n " << n);
    CHECK(weighted_kendall_tau(x, y) == Approx(weighted_tau_by_pairs(x, y)).margin(1e-12));
  }
}

TEST_CASE("Weighted Kendall tau: hand-checked cases, the top weighs most, undefined for constants", "[metrics][registry]") {
  const std::vector<double> truth = {4, 3, 2, 1};
  CHECK(weighted_kendall_tau(truth, truth) == Approx(1.0));
  CHECK(weighted_kendall_tau({1, 2, 3, 4}, truth) == Approx(-1.0));
  // x = (3, 2, 1), y = (3, 1, 2): ranks by (x, y) and by (y, x) are
  // 0, 1, 2 and 0, 2, 1. Pairs (0,1) and (0,2) concordant, (1,2) discordant.
  // By (x, y): weights 1 + 1/2, 1 + 1/3, 1/2 + 1/3 -> (3/2 + 4/3 - 5/6) / (3/2 + 4/3 + 5/6) = 2 / (11/3) = 6/11.
  // By (y, x): weights 1 + 1/3, 1 + 1/2, 1/3 + 1/2 -> the same sums, 6/11.
  CHECK(weighted_kendall_tau({3, 2, 1}, {3, 1, 2}) == Approx(6.0 / 11.0));
  // One swap at the top costs more than one at the bottom; tau-b sees no difference.
  const std::vector<double> t = {6, 5, 4, 3, 2, 1};
  const std::vector<double> swap_top = {5, 6, 4, 3, 2, 1}, swap_bottom = {6, 5, 4, 3, 1, 2};
  CHECK(kendall_tau_b(swap_top, t) == kendall_tau_b(swap_bottom, t));
  CHECK(weighted_kendall_tau(swap_top, t) < weighted_kendall_tau(swap_bottom, t));
  CHECK(std::isnan(weighted_kendall_tau({1, 1, 1}, {1, 2, 3})));
  CHECK(std::isnan(weighted_kendall_tau({1}, {1})));
}

TEST_CASE("A report holds every scalar of the registry, and each metric's value in it is what the metric computes",
          "[metrics][registry]") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> truth(300), pred(300);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    truth[i] = noise(rng);
    pred[i] = truth[i] + 0.8 * noise(rng);
  }
  MetricParameters p;
  p.top_n = 25;
  p.precision_k = "5%";
  RankingOptions options;
  options.bootstrap_resamples = 30;
  const RankingReport report = score_ranking(pred, truth, options);
  const RankingReport back = report_from_json(to_json(report));
  std::size_t scalars = 0;
  for (const auto& m : ranking_metrics()) {
    INFO("metric " << m.key);
    const double computed = m.compute(pred, truth, p);
    REQUIRE(!std::isnan(computed));
    CHECK(value_in(m, report, p) == Approx(computed).margin(1e-12));
    // Read back from JSON, as tables read metrics.json.
    CHECK(value_in(m, back, p) == Approx(computed).margin(1e-12));
    if (m.scalar()) {
      ++scalars;
      REQUIRE(report.find(m.key) != nullptr);
      CHECK(std::isnan(report.estimate(m.key).low) == !m.bootstrap);
      if (m.bootstrap) {
        CHECK(back.estimate(m.key).low == report.estimate(m.key).low);
        CHECK(back.estimate(m.key).high == report.estimate(m.key).high);
      }
    }
  }
  CHECK(report.scalars.size() == scalars);
  CHECK_THROWS_AS(report.estimate("no_such_metric"), std::out_of_range);
  // The text report names every scalar.
  const std::string text = to_text(report);
  for (const auto& m : ranking_metrics())
    if (m.scalar()) CHECK_THAT(text, Catch::Contains(std::string(m.name)));
}

TEST_CASE("A metrics.json from before a metric existed reads it as absent, and the rest as written", "[metrics][registry]") {
  const RankingReport old = report_from_json(R"({"n": 3, "kendall_tau": {"value": 0.5, "ci_low": 0.1, "ci_high": 0.9},
    "spearman_rho": 0.25, "top_n_kendall": [{"n": 2, "architectures": 2, "kendall_tau": 1.0},
    {"n": "all", "architectures": 3, "kendall_tau": 0.5}], "precision_at_k": [{"k": "10", "architectures": 3, "precision": 1.0}]})");
  MetricParameters p;
  p.top_n = 2;
  CHECK(value_in(ranking_metric("kendall_tau"), old, p) == 0.5);
  CHECK(old.estimate("kendall_tau").low == 0.1);
  CHECK(value_in(ranking_metric("spearman_rho"), old, p) == 0.25);  // a bare number
  CHECK(std::isnan(value_in(ranking_metric("weighted_tau"), old, p)));
  CHECK(std::isnan(value_in(ranking_metric("pearson_r"), old, p)));
  CHECK(value_in(ranking_metric("top_n_tau"), old, p) == 1.0);
  CHECK(value_in(ranking_metric("precision_at_k"), old, p) == 1.0);
  CHECK(std::isnan(value_in(ranking_metric("best_truth"), old, p)));  // no best_predicted
  CHECK_THROWS_AS(report_from_json("{not json"), std::invalid_argument);
  CHECK_THROWS_AS(ranking_metric("tau"), std::invalid_argument);
}

TEST_CASE("The paired comparison tests exactly the registry's paired metrics, each computed by its record",
          "[metrics][registry]") {
  statistics::PairedData data;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> noise(0, 1);
  for (int i = 0; i < 40; ++i) {
    data.indices.push_back(i);
    data.truth.push_back(noise(rng));
  }
  for (auto* arm : {&data.a, &data.b}) {
    statistics::ArmSeed s;
    for (double t : data.truth) s.prediction.push_back(t + noise(rng));
    arm->push_back(s);
  }
  statistics::PairedOptions o;
  o.resamples = 20;
  const auto result = statistics::compare_paired(data, o);
  std::vector<std::string> keys;
  for (const auto& m : result.metrics) keys.push_back(m.key);
  std::vector<std::string> expected;
  for (const auto& m : ranking_metrics())
    if (m.paired) expected.emplace_back(m.key);
  CHECK(keys == expected);
  CHECK(std::find(keys.begin(), keys.end(), "weighted_tau") != keys.end());
  for (const auto& d : result.metrics)
    CHECK(d.a_values.front() == ranking_metric(d.key).compute(data.a.front().prediction, data.truth, o.parameters));
}

TEST_CASE("The ablation table has one column per registry metric, headed by its titles, then the training columns",
          "[metrics][registry]") {
  tables::AblationOptions options;
  options.parameters.top_n = 50;
  options.parameters.precision_k = "1%";
  const auto table = tables::build_ablation_table({}, options);
  std::vector<std::string> keys;
  for (const auto& c : table.columns) keys.push_back(c.key);
  std::vector<std::string> expected;
  for (const auto& m : ranking_metrics()) expected.emplace_back(m.key);
  expected.push_back("final_loss");
  expected.push_back("train_seconds");
  CHECK(keys == expected);
  const auto& top = table.columns[static_cast<std::size_t>(
      std::find(keys.begin(), keys.end(), "top_n_tau") - keys.begin())];
  CHECK(top.title == "top-50 τ");
  CHECK(top.tex == "top-50 $\\tau$");
  const auto& pk = table.columns[static_cast<std::size_t>(
      std::find(keys.begin(), keys.end(), "precision_at_k") - keys.begin())];
  CHECK(pk.html == "P@1%");
}

TEST_CASE("The reference rows' text table has one column per scalar metric and marks rows on fewer architectures",
          "[metrics][registry]") {
  const std::vector<double> truth = {1, 2, 3, 4, 5};
  RankingOptions o;
  o.bootstrap_resamples = 0;
  std::vector<ReferenceRow> rows;
  rows.push_back({"params", "params_cifar10_M", score_ranking({1, 2, 3, 4, 5}, truth, o)});
  rows.push_back({"synflow", "synflow", score_ranking({3, 2, 1, 0}, {1, 2, 3, 4}, o)});
  const std::string text = reference_rows_text(rows);
  INFO(text);
  CHECK_THAT(text, Catch::StartsWith("reference rows (same 5 architectures)\n"));
  for (const auto& m : ranking_metrics())
    if (m.scalar()) CHECK_THAT(text, Catch::Contains(std::string(m.short_name)));
  CHECK_THAT(text, Catch::Contains("params_cifar10_M") && Catch::Contains("synflow (n=4)"));
  CHECK_THAT(text, Catch::Contains("1.0000") && Catch::Contains("-1.0000"));
  CHECK(reference_rows_text({}).empty());
}

TEST_CASE("Bootstrap intervals: the counts scorer and the materialised resample agree, and follow the seed's draws",
          "[metrics][registry]") {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> truth(60), pred(60);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    truth[i] = std::round(4 * noise(rng));  // ties
    pred[i] = truth[i] + 2 * noise(rng);
  }
  RankingOptions options;
  options.bootstrap_resamples = 200;
  options.bootstrap_seed = 9;
  // tau-b under another key has no counts scorer: it goes the materialised way.
  RankingMetric slow_tau = ranking_metric("kendall_tau");
  slow_tau.key = "kendall_tau_materialised";
  RankingMetric weighted = ranking_metric("weighted_tau");
  weighted.bootstrap = true;
  const auto got =
      bootstrap_intervals(pred, truth, {&ranking_metric("kendall_tau"), &slow_tau, &weighted}, options);
  REQUIRE(got.size() == 3);
  CHECK(got[0].low == Approx(got[1].low).margin(1e-12));
  CHECK(got[0].high == Approx(got[1].high).margin(1e-12));
  CHECK(got[0].low < got[0].high);
  // The weighted tau's interval by hand: the same draws, each resample's
  // counts materialised, the type-7 percentiles.
  std::mt19937_64 draws(options.bootstrap_seed);
  std::vector<double> taus;
  for (std::size_t b = 0; b < options.bootstrap_resamples; ++b) {
    std::vector<std::uint32_t> counts(pred.size(), 0);
    for (std::size_t i = 0; i < pred.size(); ++i) ++counts[util::uniform_index(draws, pred.size())];
    std::vector<double> p, t;
    for (std::size_t i = 0; i < pred.size(); ++i)
      for (std::uint32_t c = 0; c < counts[i]; ++c) {
        p.push_back(pred[i]);
        t.push_back(truth[i]);
      }
    taus.push_back(weighted_kendall_tau(p, t));
  }
  std::sort(taus.begin(), taus.end());
  CHECK(got[2].low == Approx(percentile(taus, 0.025)).margin(1e-12));
  CHECK(got[2].high == Approx(percentile(taus, 0.975)).margin(1e-12));
  options.bootstrap_resamples = 0;
  CHECK(std::isnan(bootstrap_intervals(pred, truth, {&weighted}, options).front().low));
}
