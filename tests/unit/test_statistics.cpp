// The statistics of the paired comparison with a baseline: Holm's
// correction, the permutation tests, Student's t, and the hierarchical
// bootstrap (docs/metrics.md, "Paired comparison"). scripts/check-statistics
// checks the same numbers against scipy (CTest `statistics_scipy`).

#include "catch.hpp"

#include <cmath>
#include <random>
#include <vector>

#include "spbench/analysis/statistics/holm.hpp"
#include "spbench/analysis/statistics/paired_comparison.hpp"
#include "spbench/analysis/statistics/permutation_test.hpp"
#include "spbench/analysis/statistics/student_t.hpp"

using namespace spbench::statistics;

namespace {

// Predictions = truth + Gaussian noise of the given sd (std::normal_distribution
// is fine here: the tests need noise, not the same noise everywhere).
std::vector<double> noisy(const std::vector<double>& truth, double sd, std::mt19937_64& rng) {
  std::normal_distribution<double> noise(0, sd);
  std::vector<double> out(truth);
  for (double& v : out) v += noise(rng);
  return out;
}

std::vector<double> line(std::size_t n) {
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<double>(i);
  return out;
}

PairedData synthetic(std::size_t seeds, std::size_t archs, double sd_a, double sd_b, std::uint64_t data_seed,
                     bool same_seeds = true) {
  std::mt19937_64 rng(data_seed);
  PairedData d;
  d.truth = line(archs);
  for (std::size_t i = 0; i < archs; ++i) d.indices.push_back(static_cast<int>(i));
  for (std::size_t s = 0; s < seeds; ++s) {
    d.a.push_back({std::to_string(s), noisy(d.truth, sd_a, rng)});
    d.b.push_back({std::to_string(same_seeds ? s : s + 100), noisy(d.truth, sd_b, rng)});
  }
  return d;
}

}  // namespace

TEST_CASE("Holm's correction on a hand-checked example, NaN left out of the family") {
  // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → kept monotone at 0.06.
  const auto adj = holm_adjust({0.01, 0.04, 0.03, 0.005});
  REQUIRE(adj.size() == 4);
  CHECK(adj[0] == Approx(0.03));
  CHECK(adj[1] == Approx(0.06));
  CHECK(adj[2] == Approx(0.06));
  CHECK(adj[3] == Approx(0.02));
  const auto with_nan = holm_adjust({0.01, std::nan(""), 0.04});
  CHECK(with_nan[0] == Approx(0.02));  // m = 2, not 3
  CHECK(std::isnan(with_nan[1]));
  CHECK(with_nan[2] == Approx(0.04));
  CHECK(holm_adjust({0.5, 0.6}) == std::vector<double>{1.0, 1.0});  // capped at 1, never below an earlier one
}

TEST_CASE("The sign-flip p-value equals the exact enumeration for small n") {
  const std::vector<double> d = {0.3, -0.1, 0.5, 0.2, 0.4, -0.25};
  std::mt19937_64 rng(0);
  const auto r = sign_flip_test(d, 1000, rng);
  CHECK(r.exact);
  CHECK(r.arrangements == 64);
  // By hand: the share of the 2^6 sign patterns whose |mean| reaches the observed one.
  double observed = 0;
  for (double v : d) observed += v;
  int extreme = 0;
  for (int mask = 0; mask < 64; ++mask) {
    double s = 0;
    for (int i = 0; i < 6; ++i) s += ((mask >> i) & 1) ? -d[i] : d[i];
    extreme += std::fabs(s) >= std::fabs(observed) - 1e-12;
  }
  CHECK(r.p_value == Approx(extreme / 64.0).margin(1e-15));
  CHECK(r.statistic == Approx(observed / 6));
  // All differences positive: only the observed signs and their mirror are as extreme.
  std::mt19937_64 rng2(0);
  CHECK(sign_flip_test({0.1, 0.2, 0.3, 0.4, 0.5}, 1000, rng2).p_value == Approx(2.0 / 32));
  // Fewer resamples than arrangements: random sign patterns, p = (count + 1)/(B + 1), near the exact value.
  std::mt19937_64 rng3(7);
  const auto mc = sign_flip_test(d, 63, rng3);
  CHECK_FALSE(mc.exact);
  CHECK(mc.p_value == Approx(extreme / 64.0).margin(0.25));
}

TEST_CASE("The two-sample permutation test enumerates every split when it can") {
  std::mt19937_64 rng(0);
  const auto r = two_sample_permutation_test({1, 2, 3}, {4, 5, 6}, 1000, rng);
  CHECK(r.exact);
  CHECK(r.arrangements == 20);               // C(6, 3)
  CHECK(r.p_value == Approx(2.0 / 20));      // only the observed split and its mirror are as extreme
  CHECK(r.statistic == Approx(-3));
  std::mt19937_64 rng2(0);
  CHECK(two_sample_permutation_test({1, 2, 3}, {1, 2, 3}, 1000, rng2).p_value == Approx(1));
}

TEST_CASE("Student's t quantiles and the minimum detectable effect") {
  // Closed forms: df = 1 is Cauchy, t = tan(pi (p - 1/2)); df = 2: t = (2p - 1) / sqrt(2 p (1 - p)).
  CHECK(student_t_quantile(0.975, 1) == Approx(std::tan(0.475 * M_PI)).epsilon(1e-13));
  CHECK(student_t_quantile(0.025, 2) == Approx(-0.95 / std::sqrt(2 * 0.025 * 0.975)).epsilon(1e-13));
  // scipy.stats.t.ppf (itself accurate to about 1e-11).
  CHECK(student_t_quantile(0.975, 4) == Approx(2.7764451051977987).epsilon(1e-9));
  CHECK(student_t_quantile(0.8, 4) == Approx(0.94096457719753).epsilon(1e-9));
  CHECK(student_t_cdf(student_t_quantile(0.3, 7), 7) == Approx(0.3).epsilon(1e-12));
  CHECK(minimum_detectable_effect(0.01, 4) == Approx((2.7764451051977987 + 0.94096457719753) * 0.01).epsilon(1e-9));
  CHECK(std::isnan(minimum_detectable_effect(0.01, 0)));
}

TEST_CASE("Identical arms differ by exactly zero, opposite ones by exactly two") {
  PairedData d = synthetic(3, 30, 5, 5, 1);
  d.b = d.a;
  PairedOptions o;
  o.resamples = 200;
  auto c = compare_paired(d, o);
  REQUIRE(c.seeds_paired);
  for (const auto& m : c.metrics) {
    INFO(m.key);
    CHECK(m.delta == 0);
    CHECK(m.low == 0);
    CHECK(m.high == 0);
    CHECK(m.p_value == 1);
  }
  // Perfect against reversed: tau = 1 and -1 on every resample without ties.
  PairedData e;
  e.truth = line(20);
  e.a = {{"0", line(20)}};
  std::vector<double> reversed(20);
  for (std::size_t i = 0; i < 20; ++i) reversed[i] = -static_cast<double>(i);
  e.b = {{"0", reversed}};
  o.metrics = {"kendall_tau", "spearman_rho"};
  c = compare_paired(e, o);
  CHECK(c.metrics[0].delta == Approx(2));
  CHECK(c.metrics[0].low == Approx(2));
  CHECK(c.metrics[0].high == Approx(2));
  CHECK(c.metrics[0].test == PairedTest::ArchitecturesSignFlip);
  CHECK(c.metrics[0].p_value < 0.01);
}

TEST_CASE("The hierarchical bootstrap interval covers the true difference on synthetic data") {
  // Both arms from one distribution: the true difference is 0, and a 95 %
  // interval must cover it in about 95 % of the data sets. 40 data sets:
  // fewer than 33 covered has probability < 1e-3 for a correct 95 % interval.
  PairedOptions o;
  o.metrics = {"kendall_tau", "spearman_rho"};
  o.resamples = 300;
  int covered[2] = {0, 0};
  const int sets = 40;
  for (int s = 0; s < sets; ++s) {
    const auto c = compare_paired(synthetic(4, 60, 15, 15, 1000 + s), o);
    for (int k = 0; k < 2; ++k) covered[k] += c.metrics[k].low <= 0 && 0 <= c.metrics[k].high;
  }
  CHECK(covered[0] >= 33);
  CHECK(covered[1] >= 33);
  // A real difference (less noise in A) is found: the interval excludes 0.
  const auto c = compare_paired(synthetic(4, 60, 3, 15, 7), o);
  CHECK(c.metrics[0].low > 0);
  CHECK(c.metrics[0].delta > c.metrics[0].low);
  CHECK(c.metrics[0].delta < c.metrics[0].high);
}

TEST_CASE("The test follows the seeds: pairs by seed value, independent seeds, one seed") {
  PairedOptions o;
  o.resamples = 100;
  o.metrics = {"kendall_tau"};
  const auto paired = compare_paired(synthetic(3, 30, 3, 15, 2), o);
  CHECK(paired.seeds_paired);
  CHECK(paired.metrics[0].test == PairedTest::SeedsSignFlip);
  CHECK(paired.metrics[0].exact);
  CHECK(paired.metrics[0].p_value == Approx(0.25));  // 3 seeds, all better: 2/2^3, the smallest p 3 seeds allow
  CHECK(paired.metrics[0].df == 2);
  CHECK(paired.metrics[0].mde > 0);
  CHECK(paired.metrics[0].baseline_sd > 0);
  // Pairs are found by seed value, not by position.
  auto shuffled = synthetic(3, 30, 3, 15, 2);
  std::swap(shuffled.b[0], shuffled.b[2]);
  const auto again = compare_paired(shuffled, o);
  CHECK(again.metrics[0].a_values == paired.metrics[0].a_values);
  CHECK(again.metrics[0].b_values == paired.metrics[0].b_values);
  CHECK(again.metrics[0].low == paired.metrics[0].low);

  const auto independent = compare_paired(synthetic(3, 30, 3, 15, 2, /*same_seeds=*/false), o);
  CHECK_FALSE(independent.seeds_paired);
  CHECK(independent.metrics[0].test == PairedTest::SeedsTwoSample);
  CHECK(independent.metrics[0].df == 4);
  CHECK(independent.metrics[0].p_value == Approx(0.1));  // C(6,3) = 20 splits, the observed one most extreme

  const auto one = compare_paired(synthetic(1, 30, 3, 15, 2), o);
  CHECK(one.metrics[0].test == PairedTest::ArchitecturesSignFlip);
  CHECK(one.tested_a_seed == "0");
  CHECK(std::isnan(one.metrics[0].mde));
  CHECK(std::isnan(one.metrics[0].baseline_sd));
}

TEST_CASE("The comparison is deterministic for a seed and the resamples are configurable") {
  const auto data = synthetic(3, 40, 5, 8, 3);
  PairedOptions o;
  o.resamples = 150;
  const auto a = compare_paired(data, o), b = compare_paired(data, o);
  o.seed = 1;
  const auto c = compare_paired(data, o);
  for (std::size_t k = 0; k < a.metrics.size(); ++k) {
    CHECK(a.metrics[k].low == b.metrics[k].low);
    CHECK(a.metrics[k].high == b.metrics[k].high);
    CHECK(a.metrics[k].delta == c.metrics[k].delta);
  }
  CHECK(a.metrics[0].low != c.metrics[0].low);
  CHECK(to_json(a) == to_json(b));
  CHECK_THROWS_AS(compare_paired(PairedData{}, o), std::invalid_argument);
}
