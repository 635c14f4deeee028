// Correlation coefficients against independent textbook implementations
// (O(n²) pair counting for Kendall, rank-by-counting for Spearman, the
// raw-sums formula for Pearson) on random data with many ties.

#include "catch.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include "spbench/util/uniform_index.hpp"
#include <spbench/analysis/metrics/correlation.hpp>
#include <spbench/analysis/metrics/ranking_metrics.hpp>
#include <spbench/analysis/metrics/resample_correlations.hpp>
#include <vector>

using namespace spbench::metrics;
using spbench::util::uniform_index;

namespace {

// Tau-b by looking at every pair.
double naive_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  long long concordant = 0, discordant = 0, tied_x = 0, tied_y = 0, pairs = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      ++pairs;
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      if (dx == 0) ++tied_x;
      if (dy == 0) ++tied_y;
      if (dx * dy > 0) ++concordant;
      if (dx * dy < 0) ++discordant;
    }
  const double denominator = std::sqrt(double(pairs - tied_x) * double(pairs - tied_y));
  if (denominator == 0) return std::nan("");
  return double(concordant - discordant) / denominator;
}

// Rank = 1 + (number smaller) + (number equal - 1) / 2.
std::vector<double> naive_ranks(const std::vector<double>& v) {
  std::vector<double> ranks;
  for (double a : v) {
    double smaller = 0, equal = 0;
    for (double b : v) {
      smaller += b < a;
      equal += b == a;
    }
    ranks.push_back(1 + smaller + (equal - 1) / 2);
  }
  return ranks;
}

// The raw-sums formula, in long double.
double textbook_pearson(const std::vector<double>& x, const std::vector<double>& y) {
  long double n = x.size(), sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += (long double)x[i] * x[i];
    syy += (long double)y[i] * y[i];
    sxy += (long double)x[i] * y[i];
  }
  const long double num = n * sxy - sx * sy;
  const long double den = std::sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
  if (den == 0) return std::nan("");
  return double(num / den);
}

// Values drawn from `levels` distinct integers, so that ties are frequent;
// y leans on x so that correlations are not all near zero.
std::pair<std::vector<double>, std::vector<double>> tied_sample(std::mt19937_64& rng, std::size_t n, int levels) {
  std::vector<double> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = double(rng() % levels);
    y[i] = double((rng() % levels + (rng() % 2 ? std::uint64_t(x[i]) : 0)) % levels);
  }
  return {x, y};
}

bool same(double a, double b, double eps = 1e-12) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::abs(a - b) <= eps;
}

}  // namespace

TEST_CASE("Kendall tau-b equals pair-by-pair counting on random data with ties") {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    std::mt19937_64 rng(seed);
    for (std::size_t n = 1; n <= 300; n += (n < 20 ? 1 : 17)) {
      for (int levels : {2, 3, 7, 50, 100000}) {
        auto [x, y] = tied_sample(rng, n, levels);
        INFO("seed " << seed << ", n " << n << ", levels " << levels);
        const double fast = kendall_tau_b(x, y), slow = naive_tau_b(x, y);
        CHECK(same(fast, slow));
      }
    }
  }
}

TEST_CASE("Kendall tau-b matches hand-computed textbook examples") {
  // 6 concordant and 4 discordant pairs out of 10, no ties.
  CHECK(kendall_tau_b({1, 2, 3, 4, 5}, {3, 4, 1, 2, 5}) == Approx(0.2).margin(1e-15));
  // 4 concordant, 0 discordant, one pair tied in x, another tied in y:
  // 4 / sqrt((6-1)(6-1)).
  CHECK(kendall_tau_b({1, 1, 2, 3}, {1, 2, 2, 3}) == Approx(0.8).margin(1e-15));
  // A pair tied in both variables: (1,1),(1,1),(2,2) → 2 / sqrt(2·2).
  CHECK(kendall_tau_b({1, 1, 2}, {1, 1, 2}) == Approx(1.0).margin(1e-15));
  // x = 12 2 1 12 2, y = 1 4 7 1 0: C = 2, D = 6, ties in x = 2, ties in y = 1:
  // -4 / sqrt(8 · 9) = -0.4714045…
  CHECK(kendall_tau_b({12, 2, 1, 12, 2}, {1, 4, 7, 1, 0}) == Approx(-4.0 / std::sqrt(72.0)).margin(1e-15));
  CHECK(kendall_tau_b({1, 2, 3}, {3, 2, 1}) == -1.0);
}

TEST_CASE("Kendall tau-b is symmetric and flips sign with one variable negated") {
  std::mt19937_64 rng(7);
  auto [x, y] = tied_sample(rng, 200, 9);
  std::vector<double> minus_y;
  for (double v : y) minus_y.push_back(-v);
  CHECK(same(kendall_tau_b(x, y), kendall_tau_b(y, x)));
  CHECK(same(kendall_tau_b(x, minus_y), -kendall_tau_b(x, y)));
}

TEST_CASE("Average ranks give tied values the mean of the ranks they span") {
  CHECK(average_ranks({10, 20, 20, 5}) == std::vector<double>{2, 3.5, 3.5, 1});
  CHECK(average_ranks({1, 1, 1}) == std::vector<double>{2, 2, 2});
  CHECK(average_ranks({}).empty());
  std::mt19937_64 rng(11);
  for (std::size_t n : {1, 2, 5, 64, 299}) {
    auto [x, y] = tied_sample(rng, n, 4);
    CHECK(average_ranks(x) == naive_ranks(x));
  }
}

TEST_CASE("Spearman rho equals Pearson of counted ranks on random data with ties") {
  for (std::uint64_t seed : {5u, 6u, 7u}) {
    std::mt19937_64 rng(seed);
    for (std::size_t n = 1; n <= 300; n += (n < 12 ? 1 : 23)) {
      for (int levels : {2, 5, 40, 100000}) {
        auto [x, y] = tied_sample(rng, n, levels);
        INFO("seed " << seed << ", n " << n << ", levels " << levels);
        CHECK(same(spearman_rho(x, y), textbook_pearson(naive_ranks(x), naive_ranks(y)), 1e-10));
      }
    }
  }
}

TEST_CASE("Spearman rho without ties equals 1 - 6 sum d^2 / (n (n^2 - 1))") {
  std::mt19937_64 rng(3);
  std::vector<double> x(50), y(50);
  for (int i = 0; i < 50; ++i) x[i] = y[i] = i;
  std::shuffle(y.begin(), y.end(), rng);
  double d2 = 0;
  for (int i = 0; i < 50; ++i) d2 += (x[i] - y[i]) * (x[i] - y[i]);
  CHECK(spearman_rho(x, y) == Approx(1 - 6 * d2 / (50.0 * (2500 - 1))).margin(1e-12));
  // With a tie: ranks 1 2 3 4 5 against 1 2 3.5 5 3.5 → 0.8207826816681233.
  CHECK(spearman_rho({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}) == Approx(0.8207826816681233).margin(1e-12));
}

TEST_CASE("Pearson r equals the raw-sums formula and keeps its precision with large offsets") {
  // Centred: dx = -1 0 1, dy = -4/3 -1/3 5/3 → 3 / sqrt(2 · 42/9).
  CHECK(pearson_r({1, 2, 3}, {1, 2, 4}) == Approx(3 / std::sqrt(84.0 / 9)).margin(1e-15));
  std::mt19937_64 rng(9);
  for (std::size_t n = 2; n <= 300; n += 37) {
    auto [x, y] = tied_sample(rng, n, 1000);
    INFO("n " << n);
    CHECK(same(pearson_r(x, y), textbook_pearson(x, y), 1e-10));
    std::vector<double> shifted = x;
    for (double& v : shifted) v += 1e9;
    CHECK(same(pearson_r(shifted, y), pearson_r(x, y), 1e-9));
  }
}

TEST_CASE("Every coefficient is NaN for fewer than two values or a constant sample") {
  using Fn = double (*)(const std::vector<double>&, const std::vector<double>&);
  for (Fn f : {Fn(kendall_tau_b), Fn(spearman_rho), Fn(pearson_r)}) {
    CHECK(std::isnan(f({}, {})));
    CHECK(std::isnan(f({1}, {2})));
    CHECK(std::isnan(f({1, 2, 3}, {4, 4, 4})));
    CHECK(std::isnan(f({0.1, 0.1, 0.1}, {1, 2, 3})));
    CHECK(!std::isnan(f({1, 2}, {1, 2})));
  }
}

TEST_CASE("Every coefficient refuses samples of different lengths or holding NaN") {
  using Fn = double (*)(const std::vector<double>&, const std::vector<double>&);
  for (Fn f : {Fn(kendall_tau_b), Fn(spearman_rho), Fn(pearson_r)}) {
    CHECK_THROWS_AS(f({1, 2}, {1, 2, 3}), std::invalid_argument);
    CHECK_THROWS_WITH(f({1, std::nan(""), 3}, {1, 2, 3}), Catch::Contains("NaN at position 1"));
  }
  CHECK_THROWS_AS(average_ranks({1, std::nan("")}), std::invalid_argument);
}

TEST_CASE("Kendall tau-b on the whole NAS-Bench-201 size takes milliseconds") {
  std::mt19937_64 rng(1);
  auto [x, y] = tied_sample(rng, 15625, 3000);
  const auto start = std::chrono::steady_clock::now();
  const double tau = kendall_tau_b(x, y);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  WARN("tau-b of 15625 values: " << ms << " ms");
  CHECK(!std::isnan(tau));
  // An O(n²) version needs about 1.2e8 pair comparisons, far above this.
  CHECK(ms < 500);
}

TEST_CASE("Correlations of a resample given as counts equal those of the materialised resample, ties included") {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    INFO("trial " << trial);
    const std::size_t n = 5 + static_cast<std::size_t>(trial) * 3;
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      // Few distinct values on both sides (trial % 3 == 0: all distinct), so
      // that ties in x, in y and in both occur.
      x[i] = trial % 3 == 0 ? static_cast<double>(rng() % 100000) : static_cast<double>(rng() % 4);
      y[i] = trial % 3 == 0 ? static_cast<double>(rng() % 100000) : static_cast<double>(rng() % 3);
    }
    ResampleCorrelations resample(x, y);
    std::vector<std::uint32_t> counts(n, 0);
    std::vector<double> bx, by;
    for (std::size_t i = 0; i < n; ++i) {
      const auto j = static_cast<std::size_t>(uniform_index(rng, n));
      ++counts[j];
      bx.push_back(x[j]);
      by.push_back(y[j]);
    }
    const auto got = resample(counts);
    const double want[3] = {kendall_tau_b(bx, by), spearman_rho(bx, by), pearson_r(bx, by)};
    for (int k = 0; k < 3; ++k) {
      INFO("metric " << k);
      if (std::isnan(want[k])) {
        CHECK(std::isnan(got[static_cast<std::size_t>(k)]));
      } else {
        CHECK(got[static_cast<std::size_t>(k)] == Approx(want[k]).margin(1e-12));
      }
    }
    // tau-b from integer pair counts: exactly equal.
    if (!std::isnan(want[0])) CHECK(got[0] == want[0]);
  }
  // A resample that drew one pair only: every metric undefined.
  std::vector<double> x{1, 2, 3}, y{3, 1, 2};
  ResampleCorrelations resample(x, y);
  const auto one = resample({3, 0, 0});
  for (double v : one) CHECK(std::isnan(v));
}
