#include "spbench/analysis/metrics/correlation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace spbench::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_pair(const std::vector<double>& x, const std::vector<double>& y, const char* what) {
  if (x.size() != y.size())
    throw std::invalid_argument(fmt::format("{}: samples differ in length ({} and {})", what, x.size(), y.size()));
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::isnan(x[i]) || std::isnan(y[i]))
      throw std::invalid_argument(fmt::format("{}: NaN at position {}", what, i));
}

double clamp_unit(double r) { return std::isnan(r) ? r : std::clamp(r, -1.0, 1.0); }

// Pairs within runs of equal values: sum of t(t-1)/2 over the runs of a
// sorted sequence.
template <class Equal>
std::int64_t tied_pairs(std::size_t n, Equal equal) {
  std::int64_t pairs = 0;
  std::size_t run = 1;
  for (std::size_t i = 1; i <= n; ++i) {
    if (i < n && equal(i - 1, i)) {
      ++run;
    } else {
      pairs += static_cast<std::int64_t>(run) * static_cast<std::int64_t>(run - 1) / 2;
      run = 1;
    }
  }
  return pairs;
}

// Sorts v ascending and returns the number of inversions (pairs i < j with
// v[i] > v[j]); equal values are not inversions.
std::int64_t sort_counting_inversions(std::vector<double>& v) {
  std::vector<double> buffer(v.size());
  std::int64_t inversions = 0;
  // Bottom-up merge sort: no recursion depth to worry about.
  for (std::size_t width = 1; width < v.size(); width *= 2) {
    for (std::size_t lo = 0; lo < v.size(); lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, v.size());
      const std::size_t hi = std::min(lo + 2 * width, v.size());
      std::size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (v[j] < v[i]) {
          // v[j] jumps ahead of every element still waiting on the left.
          inversions += static_cast<std::int64_t>(mid - i);
          buffer[k++] = v[j++];
        } else {
          buffer[k++] = v[i++];
        }
      }
      while (i < mid) buffer[k++] = v[i++];
      while (j < hi) buffer[k++] = v[j++];
    }
    v.swap(buffer);
  }
  return inversions;
}

// Dense 0-based codes of v's values in ascending order (equal values share
// a code), and how many distinct values there are.
std::vector<std::size_t> dense_codes(const std::vector<double>& v, std::size_t& distinct) {
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  distinct = sorted.size();
  std::vector<std::size_t> codes(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    codes[i] = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), v[i]) - sorted.begin());
  return codes;
}

// For every element i: (pairs concordant with i) - (pairs discordant with
// i), pairs tied in x or y counting as neither. Elements by ascending x, in
// groups of equal x; a Fenwick tree over y codes holds the elements of
// smaller x, which gives the counts below-left and above-left; the counts
// to the right follow from the column totals.
std::vector<std::int64_t> concordance_per_element(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::size_t ny = 0;
  const std::vector<std::size_t> yc = dense_codes(y, ny);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[a] < x[b] || (x[a] == x[b] && yc[a] < yc[b]);
  });
  // Elements with y below / above each y code, over the whole sample.
  std::vector<std::int64_t> per_code(ny, 0);
  for (std::size_t c : yc) ++per_code[c];
  std::vector<std::int64_t> below_all(ny, 0);
  for (std::size_t c = 1; c < ny; ++c) below_all[c] = below_all[c - 1] + per_code[c - 1];
  std::vector<std::int64_t> tree(ny + 1, 0);
  std::int64_t inserted = 0;
  auto add = [&](std::size_t code) {
    for (std::size_t i = code + 1; i <= ny; i += i & (~i + 1)) ++tree[i];
    ++inserted;
  };
  auto count_below = [&](std::size_t code) {  // inserted elements with y code < code
    std::int64_t s = 0;
    for (std::size_t i = code; i > 0; i -= i & (~i + 1)) s += tree[i];
    return s;
  };
  std::vector<std::int64_t> out(n, 0);
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start + 1;
    while (end < n && x[order[end]] == x[order[start]]) ++end;
    // Within the group (equal x, ascending y): elements of the group below
    // and above in y, for the counts to the right.
    for (std::size_t g = start; g < end;) {
      std::size_t same_end = g + 1;
      while (same_end < end && yc[order[same_end]] == yc[order[g]]) ++same_end;
      const auto group_below = static_cast<std::int64_t>(g - start);
      const auto group_above = static_cast<std::int64_t>(end - same_end);
      for (std::size_t k = g; k < same_end; ++k) {
        const std::size_t i = order[k];
        const std::size_t c = yc[i];
        const std::int64_t below_left = count_below(c);
        const std::int64_t above_left = inserted - count_below(c + 1);
        const std::int64_t below_right = below_all[c] - below_left - group_below;
        const std::int64_t above_all = static_cast<std::int64_t>(n) - below_all[c] - per_code[c];
        const std::int64_t above_right = above_all - above_left - group_above;
        out[i] = (below_left + above_right) - (above_left + below_right);
      }
      g = same_end;
    }
    for (std::size_t k = start; k < end; ++k) add(yc[order[k]]);
    start = end;
  }
  return out;
}

// Weights 1/(r+1) by the decreasing lexicographic rank of (a, b). Elements
// tied in both share no pair weight of their own (the pair is tied) and have
// the same pairs with every other element, so which of them ranks first
// does not change the result.
std::vector<double> hyperbolic_weights(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<std::size_t> order(a.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    return a[i] > a[j] || (a[i] == a[j] && (b[i] > b[j] || (b[i] == b[j] && i < j)));
  });
  std::vector<double> w(a.size());
  for (std::size_t r = 0; r < order.size(); ++r) w[order[r]] = 1.0 / static_cast<double>(r + 1);
  return w;
}

// Elements sharing each element's value (itself included).
std::vector<std::int64_t> tie_sizes(const std::vector<double>& v) {
  std::size_t distinct = 0;
  const auto codes = dense_codes(v, distinct);
  std::vector<std::int64_t> size(distinct, 0);
  for (std::size_t c : codes) ++size[c];
  std::vector<std::int64_t> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = size[codes[i]];
  return out;
}

}  // namespace

double weighted_kendall_tau(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "weighted_kendall_tau");
  const std::size_t n = x.size();
  if (n < 2) return kNaN;
  const auto concordance = concordance_per_element(x, y);
  const auto tied_x = tie_sizes(x), tied_y = tie_sizes(y);
  // With pair weights w_i + w_j, a sum over pairs is a sum over elements of
  // w_i times that element's pairs.
  auto tau_for = [&](const std::vector<double>& w) {
    double numerator = 0, norm_x = 0, norm_y = 0;
    for (std::size_t i = 0; i < n; ++i) {
      numerator += w[i] * static_cast<double>(concordance[i]);
      norm_x += w[i] * static_cast<double>(static_cast<std::int64_t>(n) - tied_x[i]);
      norm_y += w[i] * static_cast<double>(static_cast<std::int64_t>(n) - tied_y[i]);
    }
    if (norm_x == 0 || norm_y == 0) return kNaN;
    return clamp_unit(numerator / std::sqrt(norm_x * norm_y));
  };
  const double by_xy = tau_for(hyperbolic_weights(x, y));
  const double by_yx = tau_for(hyperbolic_weights(y, x));
  return 0.5 * (by_xy + by_yx);
}

double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "kendall_tau_b");
  const std::size_t n = x.size();
  if (n < 2) return kNaN;

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[a] < x[b] || (x[a] == x[b] && y[a] < y[b]);
  });
  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) ys[i] = y[order[i]];

  const std::int64_t n0 = static_cast<std::int64_t>(n) * static_cast<std::int64_t>(n - 1) / 2;
  const std::int64_t n1 = tied_pairs(n, [&](std::size_t a, std::size_t b) { return x[order[a]] == x[order[b]]; });
  const std::int64_t n3 = tied_pairs(n, [&](std::size_t a, std::size_t b) {
    return x[order[a]] == x[order[b]] && ys[a] == ys[b];
  });
  // Sorted by x (then y), every inversion of y is a discordant pair: pairs
  // tied in x are in y order and cannot be inverted.
  const std::int64_t discordant = sort_counting_inversions(ys);
  const std::int64_t n2 = tied_pairs(n, [&](std::size_t a, std::size_t b) { return ys[a] == ys[b]; });

  const std::int64_t untied_x = n0 - n1;
  const std::int64_t untied_y = n0 - n2;
  if (untied_x == 0 || untied_y == 0) return kNaN;
  // concordant + discordant = n0 - n1 - n2 + n3 (pairs tied in neither).
  const std::int64_t numerator = (n0 - n1 - n2 + n3) - 2 * discordant;
  return clamp_unit(static_cast<double>(numerator) /
                    std::sqrt(static_cast<double>(untied_x) * static_cast<double>(untied_y)));
}

std::vector<double> average_ranks(const std::vector<double>& values) {
  const std::size_t n = values.size();
  for (std::size_t i = 0; i < n; ++i)
    if (std::isnan(values[i])) throw std::invalid_argument(fmt::format("average_ranks: NaN at position {}", i));
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(n);
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start + 1;
    while (end < n && values[order[end]] == values[order[start]]) ++end;
    // Positions start..end-1 hold ranks start+1..end; their mean is shared.
    const double rank = 0.5 * static_cast<double>(start + 1 + end);
    for (std::size_t i = start; i < end; ++i) ranks[order[i]] = rank;
    start = end;
  }
  return ranks;
}

double pearson_r(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "pearson_r");
  const std::size_t n = x.size();
  if (n < 2) return kNaN;
  // Test constancy exactly: the mean of equal values need not equal them
  // bit for bit, which would leave a tiny spurious variance.
  auto constant = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [&](double value) { return value == v.front(); });
  };
  if (constant(x) || constant(y)) return kNaN;
  const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(n);
  const double mean_y = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(n);
  double sxx = 0, syy = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mean_x, dy = y[i] - mean_y;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx == 0 || syy == 0) return kNaN;
  return clamp_unit(sxy / std::sqrt(sxx * syy));
}

double spearman_rho(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "spearman_rho");
  return pearson_r(average_ranks(x), average_ranks(y));
}

}  // namespace spbench::metrics
