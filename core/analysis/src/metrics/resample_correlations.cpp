#include "spbench/analysis/metrics/resample_correlations.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace spbench::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double clamp_unit(double r) { return std::isnan(r) ? r : std::clamp(r, -1.0, 1.0); }

std::int64_t pairs_in(std::int64_t run) { return run * (run - 1) / 2; }

// Pearson r of (a[p], b[p]) with pair p weighted by c[p] (m in all), both
// sides known to vary over the drawn pairs. Without branches: an undrawn
// pair weighs zero.
double weighted_pearson(const std::vector<double>& a, const std::vector<double>& b, const std::vector<double>& c,
                        double m) {
  const std::size_t n = a.size();
  double sum_a = 0, sum_b = 0;
  for (std::size_t p = 0; p < n; ++p) {
    sum_a += c[p] * a[p];
    sum_b += c[p] * b[p];
  }
  const double mean_a = sum_a / m, mean_b = sum_b / m;
  double saa = 0, sbb = 0, sab = 0;
  for (std::size_t p = 0; p < n; ++p) {
    const double da = a[p] - mean_a, db = b[p] - mean_b;
    saa += c[p] * da * da;
    sbb += c[p] * db * db;
    sab += c[p] * da * db;
  }
  if (saa == 0 || sbb == 0) return kNaN;
  return clamp_unit(sab / std::sqrt(saa * sbb));
}

}  // namespace

ResampleCorrelations::ResampleCorrelations(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("ResampleCorrelations: samples differ in length");
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i)
    if (std::isnan(x[i]) || std::isnan(y[i])) throw std::invalid_argument("ResampleCorrelations: NaN in the sample");
  // The pairs are relabelled by their place in (x, y) order, so that the
  // walk in that order reads memory in sequence.
  by_xy_.resize(n);
  std::iota(by_xy_.begin(), by_xy_.end(), std::size_t{0});
  std::sort(by_xy_.begin(), by_xy_.end(),
            [&](std::size_t a, std::size_t b) { return x[a] < x[b] || (x[a] == x[b] && y[a] < y[b]); });
  x_.resize(n);
  y_.resize(n);
  for (std::size_t p = 0; p < n; ++p) x_[p] = x[by_xy_[p]], y_[p] = y[by_xy_[p]];
  // In y order (positions in (x, y) order), and each pair's dense y rank.
  by_y_.resize(n);
  std::iota(by_y_.begin(), by_y_.end(), std::size_t{0});
  std::stable_sort(by_y_.begin(), by_y_.end(), [&](std::size_t a, std::size_t b) { return y_[a] < y_[b]; });
  y_rank_.resize(n);
  std::size_t rank = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0 && y_[by_y_[k]] != y_[by_y_[k - 1]]) ++rank;
    y_rank_[by_y_[k]] = rank;
  }
  // Where an x run ends, for each pair (the first pair after its run).
  x_run_end_.resize(n);
  for (std::size_t k = n; k-- > 0;) x_run_end_[k] = (k + 1 < n && x_[k + 1] == x_[k]) ? x_run_end_[k + 1] : k + 1;
  tree_.assign(rank + 2, 0);  // 1-based Fenwick tree over the y ranks
  c_.resize(n);
  rank_x_.resize(n);
  rank_y_.resize(n);
}

std::array<double, 3> ResampleCorrelations::operator()(const std::vector<std::uint32_t>& counts) {
  const std::size_t n = x_.size();
  if (counts.size() != n) throw std::invalid_argument("ResampleCorrelations: counts do not match the sample");
  std::int64_t m = 0;
  for (std::size_t p = 0; p < n; ++p) {
    c_[p] = counts[by_xy_[p]];
    m += counts[by_xy_[p]];
  }
  if (m < 2) return {kNaN, kNaN, kNaN};

  // Average ranks in y, walking by y, and the pairs tied in y (n2).
  std::int64_t n2 = 0;
  std::int64_t position = 0;       // drawn pairs before the current run
  int y_values = 0, x_values = 0;  // runs with a drawn pair
  for (std::size_t k = 0; k < n;) {
    std::size_t end = k;
    std::int64_t run_y = 0;
    for (; end < n && y_[by_y_[end]] == y_[by_y_[k]]; ++end) run_y += static_cast<std::int64_t>(c_[by_y_[end]]);
    n2 += pairs_in(run_y);
    y_values += run_y > 0;
    const double rank = 0.5 * static_cast<double>(2 * position + 1 + run_y);  // mean of position+1 … position+run_y
    for (std::size_t j = k; j < end; ++j) rank_y_[by_y_[j]] = rank;
    position += run_y;
    k = end;
  }

  // Walk by (x, y): the pairs tied in x (n1) and in both (n3), every pair's
  // average rank in x, and the discordant pairs: those drawn earlier in this
  // order with a larger y (pairs tied in x come in y order, so none of them
  // is counted), from a Fenwick tree over the y ranks.
  std::fill(tree_.begin(), tree_.end(), 0);
  std::int64_t n1 = 0, n3 = 0, discordant = 0, emitted = 0;
  position = 0;
  for (std::size_t k = 0; k < n;) {
    const std::size_t end = x_run_end_[k];
    std::int64_t run_x = 0, run_xy = 0;
    double last_y = 0;
    bool any = false;
    for (std::size_t p = k; p < end; ++p) {
      const auto c = static_cast<std::int64_t>(c_[p]);
      if (c == 0) continue;
      if (any && y_[p] == last_y) {
        run_xy += c;
      } else {
        n3 += pairs_in(run_xy);
        run_xy = c;
      }
      last_y = y_[p];
      any = true;
      run_x += c;
      std::int64_t not_larger = 0;  // drawn before, y rank <= this one's
      for (std::size_t r = y_rank_[p] + 1; r > 0; r &= r - 1) not_larger += tree_[r];
      discordant += c * (emitted - not_larger);
      for (std::size_t r = y_rank_[p] + 1; r < tree_.size(); r += r & (~r + 1)) tree_[r] += c;
      emitted += c;
    }
    n3 += pairs_in(run_xy);
    n1 += pairs_in(run_x);
    x_values += run_x > 0;
    const double rank = 0.5 * static_cast<double>(2 * position + 1 + run_x);
    for (std::size_t p = k; p < end; ++p) rank_x_[p] = rank;
    position += run_x;
    k = end;
  }
  const std::int64_t n0 = pairs_in(m);
  double tau = kNaN;
  if (n0 - n1 != 0 && n0 - n2 != 0)
    tau = clamp_unit(static_cast<double>((n0 - n1 - n2 + n3) - 2 * discordant) /
                     std::sqrt(static_cast<double>(n0 - n1) * static_cast<double>(n0 - n2)));

  // A side with one drawn value is constant: rho and r are undefined (tested
  // exactly, as pearson_r does, not through a variance that rounding might
  // leave above zero).
  if (x_values < 2 || y_values < 2) return {tau, kNaN, kNaN};
  const double md = static_cast<double>(m);
  return {tau, weighted_pearson(rank_x_, rank_y_, c_, md), weighted_pearson(x_, y_, c_, md)};
}

}  // namespace spbench::metrics
