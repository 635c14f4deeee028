#pragma once
// Kendall tau-b, Spearman rho and Pearson r of bootstrap resamples, fast.
//
// A resample of n pairs is given as counts: how often each original pair was
// drawn. The original pairs are sorted once (by x then y, and by y); a
// resample is then walked in those orders with every pair repeated as often
// as it was drawn, so it is never materialised and sorted. Per resample this
// costs O(n log n) in simple steps (a Fenwick tree over the y ranks counts
// tau-b's discordant pairs), without allocating. The values equal kendall_tau_b, spearman_rho
// and pearson_r of the materialised resample: tau-b exactly (integer pair
// counts), rho and r up to the order of floating-point sums.

#include <array>
#include <cstdint>
#include <vector>

namespace spbench::metrics {

class ResampleCorrelations {
 public:
  // x and y: the original sample (same length, no NaN).
  ResampleCorrelations(const std::vector<double>& x, const std::vector<double>& y);

  // {tau-b, rho, r} of the resample holding pair i counts[i] times (counts
  // sum to the resample's size); NaN where a metric is undefined (a
  // constant side).
  std::array<double, 3> operator()(const std::vector<std::uint32_t>& counts);

 private:
  // The pairs in (x, y) order: p is a pair's place in that order.
  std::vector<std::size_t> by_xy_;         // p -> the pair's index in the caller's vectors
  std::vector<double> x_, y_;              // by p
  std::vector<std::size_t> by_y_;          // the p in y order (stable)
  std::vector<std::size_t> y_rank_;        // by p: dense rank of y
  std::vector<std::size_t> x_run_end_;     // by p: the first p after its run of equal x
  // Scratch, reused by every resample.
  std::vector<double> c_, rank_x_, rank_y_;  // by p: count drawn, average ranks
  std::vector<std::int64_t> tree_;         // Fenwick tree over y ranks: pairs drawn so far
};

}  // namespace spbench::metrics
