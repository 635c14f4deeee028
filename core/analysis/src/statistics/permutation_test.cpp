#include "spbench/analysis/statistics/permutation_test.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "spbench/analysis/metrics/ranking_metrics.hpp"
#include "spbench/util/uniform_index.hpp"

namespace spbench::statistics {

namespace {

// scipy's two-sided p-value from the counts of T* <= t and T* >= t.
double two_sided(std::size_t less_equal, std::size_t greater_equal, std::size_t total, bool exact) {
  const double adjust = exact ? 0.0 : 1.0;
  const double p_less = (static_cast<double>(less_equal) + adjust) / (static_cast<double>(total) + adjust);
  const double p_greater = (static_cast<double>(greater_equal) + adjust) / (static_cast<double>(total) + adjust);
  return std::min(1.0, 2 * std::min(p_less, p_greater));
}

struct Counter {
  double observed;
  double gamma;  // the tie tolerance
  std::size_t less_equal = 0, greater_equal = 0, total = 0;
  explicit Counter(double t) : observed(t), gamma(std::fabs(100 * DBL_EPSILON * t)) {}
  void add(double v) {
    if (std::isnan(v)) return;  // an arrangement on which the statistic is undefined says nothing
    less_equal += v <= observed + gamma;
    greater_equal += v >= observed - gamma;
    ++total;
  }
};

// C(n, k), saturating at `cap` + 1 (only "more than the resamples" matters).
std::size_t binomial_capped(std::size_t n, std::size_t k, std::size_t cap) {
  k = std::min(k, n - k);
  double c = 1;
  for (std::size_t i = 1; i <= k; ++i) {
    c = c * static_cast<double>(n - k + i) / static_cast<double>(i);
    if (c > static_cast<double>(cap) + 1) return cap + 1;
  }
  return static_cast<std::size_t>(std::llround(c));
}

}  // namespace

PermutationResult paired_swap_test(std::size_t pairs, const std::function<double(const std::vector<char>&)>& statistic,
                                   std::size_t resamples, std::mt19937_64& rng) {
  PermutationResult r;
  std::vector<char> swapped(pairs, 0);
  r.statistic = statistic(swapped);
  if (std::isnan(r.statistic) || pairs == 0) {
    r.p_value = std::nan("");
    return r;
  }
  Counter count(r.statistic);
  r.exact = pairs < 63 && (std::uint64_t{1} << pairs) <= resamples;
  if (r.exact) {
    const std::uint64_t n = std::uint64_t{1} << pairs;
    for (std::uint64_t mask = 0; mask < n; ++mask) {
      for (std::size_t i = 0; i < pairs; ++i) swapped[i] = static_cast<char>((mask >> i) & 1);
      count.add(statistic(swapped));
    }
  } else {
    for (std::size_t b = 0; b < resamples; ++b) {
      for (std::size_t i = 0; i < pairs; ++i) swapped[i] = static_cast<char>(util::uniform_index(rng, 2));
      count.add(statistic(swapped));
    }
  }
  r.arrangements = count.total;
  r.p_value = count.total ? two_sided(count.less_equal, count.greater_equal, count.total, r.exact) : std::nan("");
  return r;
}

PermutationResult sign_flip_test(const std::vector<double>& d, std::size_t resamples, std::mt19937_64& rng) {
  for (double v : d)
    if (std::isnan(v)) throw std::invalid_argument("sign_flip_test: NaN difference");
  return paired_swap_test(
      d.size(),
      [&](const std::vector<char>& swapped) {
        double sum = 0;
        for (std::size_t i = 0; i < d.size(); ++i) sum += swapped[i] ? -d[i] : d[i];
        return sum / static_cast<double>(d.size());
      },
      resamples, rng);
}

PermutationResult two_sample_permutation_test(const std::vector<double>& a, const std::vector<double>& b,
                                              std::size_t resamples, std::mt19937_64& rng) {
  PermutationResult r;
  if (a.empty() || b.empty()) {
    r.p_value = r.statistic = std::nan("");
    return r;
  }
  std::vector<double> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  const std::size_t n = pooled.size(), na = a.size();
  const double total = std::accumulate(pooled.begin(), pooled.end(), 0.0);
  auto stat = [&](double sum_a) { return sum_a / na - (total - sum_a) / static_cast<double>(n - na); };
  r.statistic = stat(std::accumulate(a.begin(), a.end(), 0.0));
  Counter count(r.statistic);
  r.exact = n < 63 && binomial_capped(n, na, resamples) <= resamples;
  if (r.exact) {
    // Every subset of na positions (Gosper's hack walks them in order).
    std::uint64_t mask = (std::uint64_t{1} << na) - 1;
    const std::uint64_t end = std::uint64_t{1} << n;
    while (mask < end) {
      double sum = 0;
      for (std::size_t i = 0; i < n; ++i)
        if ((mask >> i) & 1) sum += pooled[i];
      count.add(stat(sum));
      const std::uint64_t c = mask & (~mask + 1), rr = mask + c;
      mask = (((rr ^ mask) >> 2) / c) | rr;
    }
  } else {
    std::vector<double> shuffled(pooled);
    for (std::size_t s = 0; s < resamples; ++s) {
      // Fisher-Yates with the portable uniform_index: a seed gives the same p everywhere.
      for (std::size_t i = n; i > 1; --i) std::swap(shuffled[i - 1], shuffled[util::uniform_index(rng, i)]);
      count.add(stat(std::accumulate(shuffled.begin(), shuffled.begin() + static_cast<std::ptrdiff_t>(na), 0.0)));
    }
  }
  r.arrangements = count.total;
  r.p_value = two_sided(count.less_equal, count.greater_equal, count.total, r.exact);
  return r;
}

}  // namespace spbench::statistics
