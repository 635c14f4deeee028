// Ranking metrics: top-k selection and its tie rule, precision@k, the top-n
// Kendall curve, the best-predicted architecture, and the bootstrap.

#include "catch.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <set>
#include "spbench/util/uniform_index.hpp"
#include <spbench/analysis/metrics/correlation.hpp>
#include <spbench/analysis/metrics/ranking_metrics.hpp>
#include <vector>

using namespace spbench::metrics;
using spbench::util::uniform_index;

namespace {

std::vector<double> random_values(std::mt19937_64& rng, std::size_t n, int levels) {
  std::vector<double> v(n);
  for (auto& x : v) x = double(rng() % levels);
  return v;
}

// The k best positions by a full stable sort on descending value: stability
// keeps equal values in position order.
std::set<std::size_t> naive_top(const std::vector<double>& v, std::size_t k) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return v[a] > v[b]; });
  return {order.begin(), order.begin() + std::min(k, v.size())};
}

double naive_precision(const std::vector<double>& pred, const std::vector<double>& truth, std::size_t k) {
  const auto a = naive_top(pred, k), b = naive_top(truth, k);
  std::size_t common = 0;
  for (auto p : a) common += b.count(p);
  return double(common) / double(std::min(k, pred.size()));
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace

TEST_CASE("Top-k selection breaks ties by position, lower first") {
  CHECK(top_k_positions({5, 9, 9, 1, 9}, 2) == std::vector<std::size_t>{1, 2});
  CHECK(top_k_positions({5, 9, 9, 1, 9}, 4) == std::vector<std::size_t>{1, 2, 4, 0});
  CHECK(top_k_positions({3, 1}, 10) == std::vector<std::size_t>{0, 1});
  std::mt19937_64 rng(4);
  for (std::size_t n : {1, 10, 100, 300}) {
    const auto v = random_values(rng, n, 5);
    for (std::size_t k : {1, 3, 50, 1000}) {
      const auto top = top_k_positions(v, k);
      CHECK(std::set<std::size_t>(top.begin(), top.end()) == naive_top(v, k));
    }
  }
}

TEST_CASE("Precision at k counts the overlap of the true and predicted top k") {
  // True top 2: positions 0, 1. Predicted top 2: positions 1, 3.
  CHECK(precision_at_k({1, 4, 2, 3}, {9, 8, 7, 6}, 2) == 0.5);
  CHECK(precision_at_k({1, 4, 2, 3}, {9, 8, 7, 6}, 4) == 1.0);
  // Ties in the prediction: position order picks 0 and 1 of the three 5s.
  CHECK(precision_at_k({5, 5, 5, 1}, {0, 1, 2, 3}, 2) == 0.0);
  CHECK(precision_at_k({5, 5, 5, 1}, {3, 2, 1, 0}, 2) == 1.0);
  CHECK(std::isnan(precision_at_k({}, {}, 3)));
  CHECK(std::isnan(precision_at_k({1}, {1}, 0)));
  std::mt19937_64 rng(8);
  for (std::uint64_t round = 0; round < 40; ++round) {
    const std::size_t n = 1 + rng() % 300;
    const auto pred = random_values(rng, n, 6), truth = random_values(rng, n, 6);
    for (std::size_t k : {1, 10, 50, 100, 400}) {
      INFO("n " << n << ", k " << k);
      CHECK(precision_at_k(pred, truth, k) == naive_precision(pred, truth, k));
    }
  }
}

TEST_CASE("Fractional k rounds to the nearest whole architecture, at least one") {
  CHECK(k_for_fraction(0.01, 15625) == 156);
  CHECK(k_for_fraction(0.05, 15625) == 781);
  CHECK(k_for_fraction(0.01, 10) == 1);
  CHECK(k_for_fraction(0.05, 1000) == 50);
}

TEST_CASE("Top-n Kendall is tau-b on the architectures best by truth") {
  std::mt19937_64 rng(12);
  for (std::uint64_t round = 0; round < 30; ++round) {
    const std::size_t n = 1 + rng() % 300;
    const auto pred = random_values(rng, n, 8), truth = random_values(rng, n, 8);
    for (std::size_t top : {2, 10, 25, 100, 1000}) {
      const auto chosen = naive_top(truth, top);
      std::vector<double> p, t;
      for (auto i : chosen) {
        p.push_back(pred[i]);
        t.push_back(truth[i]);
      }
      INFO("n " << n << ", top " << top);
      const double expected = kendall_tau_b(p, t);
      CHECK(same(top_n_kendall(pred, truth, top), expected));
    }
  }
}

TEST_CASE("The top-n curve skips n at or above the sample size and ends with all") {
  std::mt19937_64 rng(2);
  const auto pred = random_values(rng, 120, 1000), truth = random_values(rng, 120, 1000);
  const auto curve = top_n_kendall_curve(pred, truth);
  REQUIRE(curve.size() == 5);  // 10 25 50 100, all
  CHECK(curve[0].n == 10);
  CHECK(curve[3].n == 100);
  CHECK_FALSE(curve[3].all);
  CHECK(curve[4].all);
  CHECK(curve[4].n == 120);
  CHECK(curve[4].tau == kendall_tau_b(pred, truth));
  CHECK(same(curve[1].tau, top_n_kendall(pred, truth, 25)));
  // Exactly 100 architectures: n = 100 is the "all" point, not a duplicate.
  const std::vector<double> p100(pred.begin(), pred.begin() + 100), t100(truth.begin(), truth.begin() + 100);
  const auto c100 = top_n_kendall_curve(p100, t100);
  REQUIRE(c100.size() == 4);
  CHECK(c100.back().all);
}

TEST_CASE("The best-predicted architecture reports its true value and minimum true rank") {
  // Predicted best: position 2 (first of the tied 9s). Truth 80; two
  // architectures are strictly better (90, 85), one ties (80) → rank 3.
  const auto best = best_predicted({1, 3, 9, 9, 2}, {90, 85, 80, 80, 70});
  CHECK(best.position == 2);
  CHECK(best.truth == 80);
  CHECK(best.prediction == 9);
  CHECK(best.true_rank == 3);
  CHECK(best.true_percentile == Approx(0.6));
  CHECK(best_predicted({5, 1}, {1, 1}).true_rank == 1);
  CHECK_THROWS_AS(best_predicted({}, {}), std::invalid_argument);
}

TEST_CASE("The portable uniform index stays in range and covers every value") {
  std::mt19937_64 rng(0);
  std::vector<int> seen(7);
  for (int i = 0; i < 7000; ++i) {
    const auto v = uniform_index(rng, 7);
    REQUIRE(v < 7);
    ++seen[v];
  }
  for (int count : seen) CHECK(count > 850);
  for (int count : seen) CHECK(count < 1150);
  std::mt19937_64 a(3), b(3);
  // For a power of two only the top n outputs of 2^64 are rejected: the low
  // bits of the raw output.
  for (int i = 0; i < 100; ++i) CHECK(uniform_index(a, 16) == b() % 16);
  CHECK(uniform_index(a, 1) == 0);
}

TEST_CASE("score_ranking gathers every metric with bootstrap intervals around the estimate") {
  std::mt19937_64 rng(21);
  std::vector<double> truth(300), pred(300);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    truth[i] = double(rng() % 50);
    pred[i] = truth[i] + double(rng() % 40);
  }
  RankingOptions options;
  options.bootstrap_resamples = 300;
  options.bootstrap_seed = 5;
  std::vector<int> ids(300);
  std::iota(ids.begin(), ids.end(), 1000);
  const RankingReport r = score_ranking(pred, truth, options, ids);
  CHECK(r.n == 300);
  CHECK(r.estimate("kendall_tau").value == kendall_tau_b(pred, truth));
  CHECK(r.estimate("spearman_rho").value == spearman_rho(pred, truth));
  CHECK(r.estimate("pearson_r").value == pearson_r(pred, truth));
  for (const Estimate* e : {&r.estimate("kendall_tau"), &r.estimate("spearman_rho"), &r.estimate("pearson_r")}) {
    CHECK(e->low <= e->value);
    CHECK(e->value <= e->high);
    CHECK(e->low < e->high);
    CHECK(e->undefined_resamples == 0);
  }
  REQUIRE(r.precision_at_k.size() == 5);
  CHECK(r.precision_at_k[3].label == "1%");
  CHECK(r.precision_at_k[3].k == 3);
  CHECK(r.precision_at_k[4].label == "5%");
  CHECK(r.precision_at_k[4].k == 15);
  CHECK(r.precision_at_k[0].precision == precision_at_k(pred, truth, 10));
  CHECK(r.best.index == 1000 + int(r.best.position));
  CHECK(r.top_n_kendall.back().all);

  SECTION("the same seed gives the same intervals, another seed others") {
    const RankingReport again = score_ranking(pred, truth, options, ids);
    CHECK(again.estimate("kendall_tau").low == r.estimate("kendall_tau").low);
    CHECK(again.estimate("kendall_tau").high == r.estimate("kendall_tau").high);
    CHECK(again.estimate("pearson_r").low == r.estimate("pearson_r").low);
    options.bootstrap_seed = 6;
    const RankingReport other = score_ranking(pred, truth, options, ids);
    CHECK(other.estimate("kendall_tau").low != r.estimate("kendall_tau").low);
  }
  SECTION("without resamples the interval is NaN") {
    options.bootstrap_resamples = 0;
    const RankingReport none = score_ranking(pred, truth, options);
    CHECK(std::isnan(none.estimate("kendall_tau").low));
    CHECK(std::isnan(none.estimate("spearman_rho").high));
    CHECK(none.best.index == -1);
  }
}

TEST_CASE("Bootstrap resamples where a coefficient is undefined are counted, not used") {
  RankingOptions options;
  options.bootstrap_resamples = 200;
  // Two values: a resample picks the same one twice half of the time.
  const RankingReport r = score_ranking({1, 2}, {1, 2}, options);
  CHECK(r.estimate("kendall_tau").undefined_resamples > 50);
  CHECK(r.estimate("kendall_tau").undefined_resamples < 150);
  CHECK(r.estimate("kendall_tau").low == 1.0);
}

TEST_CASE("score_ranking refuses misaligned inputs, NaN, an empty sample and bad confidence") {
  CHECK_THROWS_AS(score_ranking({1, 2}, {1}), std::invalid_argument);
  CHECK_THROWS_AS(score_ranking({}, {}), std::invalid_argument);
  CHECK_THROWS_AS(score_ranking({1, std::nan("")}, {1, 2}), std::invalid_argument);
  CHECK_THROWS_AS(score_ranking({1, 2}, {1, 2}, {}, {7}), std::invalid_argument);
  RankingOptions bad;
  bad.confidence = 1.0;
  CHECK_THROWS_AS(score_ranking({1, 2}, {1, 2}, bad), std::invalid_argument);
}

TEST_CASE("A ranking report reads back from JSON with NaN as null, and prints as a table") {
  RankingOptions options;
  options.bootstrap_resamples = 20;
  // Constant truth: every correlation is undefined.
  const RankingReport r = score_ranking({1, 2, 3}, {5, 5, 5}, options, {4, 8, 15});
  const auto j = nlohmann::json::parse(to_json(r));
  CHECK(j["n"] == 3);
  CHECK(j["kendall_tau"]["value"].is_null());
  CHECK(j["top_n_kendall"].back()["n"] == "all");
  CHECK(j["best_predicted"]["index"] == 15);
  CHECK(j["best_predicted"]["true_rank"] == 1);
  CHECK(j["bootstrap"]["resamples"] == 20);
  CHECK(j["precision_at_k"][0]["k"] == "10");
  const std::string text = to_text(r);
  CHECK_THAT(text, Catch::Contains("Kendall tau-b") && Catch::Contains("n/a") && Catch::Contains("index          15"));
}
