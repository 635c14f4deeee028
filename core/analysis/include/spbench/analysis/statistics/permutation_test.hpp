#pragma once
// Permutation tests of "no difference between two arms" (docs/metrics.md),
// with scipy.stats.permutation_test's conventions so that
// scripts/check-statistics can compare the two:
//  - two-sided p = min(1, 2 min(P(T* <= t), P(T* >= t))), the null
//    distribution T* including the observed arrangement;
//  - exact enumeration when the number of distinct arrangements is at most
//    `resamples`, else `resamples` random ones and p = (count + 1)/(resamples + 1);
//  - T* within 100 machine epsilons (relative) of t counts as equal, so that
//    rounding does not decide a tie.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

namespace spbench::statistics {

struct PermutationResult {
  double statistic = 0;  // on the data as observed
  double p_value = 0;    // two-sided
  bool exact = false;    // every arrangement enumerated
  std::size_t arrangements = 0;  // enumerated or drawn (with the observed one when exact)
};

// The paired (sign-flip) test: arm a and arm b are swapped within a pair
// with probability 1/2, i.e. scipy's permutation_type='samples' with two
// samples. `statistic(swapped)` gets one flag per pair (1: swapped) and
// returns the statistic of that arrangement. Exact when 2^n <= resamples.
PermutationResult paired_swap_test(std::size_t pairs, const std::function<double(const std::vector<char>& swapped)>& statistic,
                                   std::size_t resamples, std::mt19937_64& rng);

// paired_swap_test on differences d_i = a_i - b_i with statistic mean(d)
// (a swap flips the sign of d_i).
PermutationResult sign_flip_test(const std::vector<double>& differences, std::size_t resamples, std::mt19937_64& rng);

// The two-sample test of mean(a) - mean(b) over the splits of the pooled
// values into groups of |a| and |b| (scipy's permutation_type='independent').
// Exact when C(|a|+|b|, |a|) <= resamples.
PermutationResult two_sample_permutation_test(const std::vector<double>& a, const std::vector<double>& b,
                                              std::size_t resamples, std::mt19937_64& rng);

}  // namespace spbench::statistics
