#pragma once
// Correlation coefficients between two equally long samples (docs/metrics.md).
//
// Conventions shared by every function here:
//  - x and y must have the same length (std::invalid_argument otherwise) and
//    hold no NaN (std::invalid_argument naming the position): a NaN has no
//    place in an order, and silently dropping it would change the sample.
//  - The result is NaN when the coefficient is undefined: fewer than two
//    values, or one sample constant (no variance / every pair tied).
//  - The result is clamped to [-1, 1] so rounding never leaves that range.

#include <vector>

namespace spbench::metrics {

// Kendall's tau-b, in O(n log n) (Knight's algorithm):
//   (concordant - discordant) / sqrt((n0 - n1) (n0 - n2))
// with n0 = n(n-1)/2 pairs, n1 / n2 the pairs tied in x / y. A pair tied in
// both counts in n1 and n2 and is neither concordant nor discordant.
double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y);

// Spearman's rho: Pearson's r of the average ranks (ties share the mean of
// the ranks they span), which is the usual tie-corrected definition.
double spearman_rho(const std::vector<double>& x, const std::vector<double>& y);

// Pearson's product-moment correlation, computed on centred values (two
// passes) so that large offsets such as accuracies near 90 lose no precision.
double pearson_r(const std::vector<double>& x, const std::vector<double>& y);

// Weighted Kendall tau with additive hyperbolic weights (Vigna, "A weighted
// correlation index for rankings with ties", WWW 2015; scipy.stats.weightedtau
// with its defaults): a pair exchanged between the elements of rank r and s
// (0 = best) weighs 1/(r+1) + 1/(s+1), so disorder among the best counts
// most. Ties as in tau-b: a pair tied in x or y adds nothing to the
// numerator and leaves that side's norm. The rank is the decreasing
// lexicographic one by (x, y) and by (y, x); the result is the mean of the
// two. In O(n log n): with additive weights the numerator is
// sum_i w_i (concordant_i - discordant_i), counted per element with a
// Fenwick tree.
double weighted_kendall_tau(const std::vector<double>& x, const std::vector<double>& y);

// 1-based ranks in ascending order (the smallest value gets rank 1); tied
// values all get the mean of the ranks they span (e.g. 2.5, 2.5). Throws
// std::invalid_argument on NaN.
std::vector<double> average_ranks(const std::vector<double>& values);

}  // namespace spbench::metrics
