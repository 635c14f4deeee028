#include "spbench/analysis/statistics/holm.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace spbench::statistics {

std::vector<double> holm_adjust(const std::vector<double>& p) {
  std::vector<double> out(p.size(), std::nan(""));
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) order.push_back(i);
  // Stable: equal p-values keep their order, so the result does not depend on the sort.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  const double m = static_cast<double>(order.size());
  double running = 0;  // the max keeps the adjusted values in the order of the raw ones
  for (std::size_t j = 0; j < order.size(); ++j) {
    running = std::max(running, std::min(1.0, (m - static_cast<double>(j)) * p[order[j]]));
    out[order[j]] = running;
  }
  return out;
}

}  // namespace spbench::statistics
