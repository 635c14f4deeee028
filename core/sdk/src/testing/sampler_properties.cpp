#include "spbench/sdk/testing/sampler_properties.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace spbench::testing {

SamplerDraws draw_paths(PathSampler& sampler, const SearchSpace& space, int cells, std::int64_t steps,
                        std::uint64_t seed) {
  SamplerDraws d;
  d.counts.resize(static_cast<std::size_t>(cells));
  for (auto& c : d.counts)
    for (auto& e : c) e.fill(0);
  sampler.begin(space, cells);
  Rng rng(seed);
  for (std::int64_t s = 0; s < steps; ++s) {
    const std::vector<Path> paths = sampler.next_step(rng);
    d.paths_per_step.push_back(static_cast<std::int64_t>(paths.size()));
    std::vector<std::array<std::array<int, kNumOps>, kNumEdges>> step(static_cast<std::size_t>(cells));
    for (auto& c : step)
      for (auto& e : c) e.fill(0);
    for (const Path& p : paths) {
      if (static_cast<int>(p.cells.size()) != cells)
        throw std::logic_error(fmt::format("step {}: a path with {} cells, expected {}", s, p.cells.size(), cells));
      for (int c = 0; c < cells; ++c) {
        const CellArch& a = p.cells[static_cast<std::size_t>(c)];
        if (!space.contains(a))
          throw std::logic_error(fmt::format("step {}: {} is outside the space {}", s, a.to_string(), space.describe()));
        ++d.architectures[a];
        for (int e = 0; e < kNumEdges; ++e) {
          const auto op = static_cast<std::size_t>(a.ops[static_cast<std::size_t>(e)]);
          ++d.counts[static_cast<std::size_t>(c)][static_cast<std::size_t>(e)][op];
          ++step[static_cast<std::size_t>(c)][static_cast<std::size_t>(e)][op];
        }
      }
    }
    bool fair = true;
    for (int c = 0; c < cells && fair; ++c)
      for (int e = 0; e < kNumEdges && fair; ++e)
        for (Op op : kAllOps) {
          const int n = step[static_cast<std::size_t>(c)][static_cast<std::size_t>(e)][static_cast<std::size_t>(op)];
          if (n != (space.edge_ops(e).contains(op) ? 1 : 0)) fair = false;
        }
    if (!fair) ++d.unfair_steps;
    d.paths += static_cast<std::int64_t>(paths.size());
    ++d.steps;
  }
  return d;
}

double max_uniform_deviation(const std::vector<std::int64_t>& counts, std::int64_t total) {
  if (counts.empty() || total <= 0) return 0.0;
  const double p = 1.0 / static_cast<double>(counts.size());
  const double expected = p * static_cast<double>(total);
  const double sigma = std::sqrt(static_cast<double>(total) * p * (1.0 - p));
  double worst = 0.0;
  for (auto c : counts) worst = std::max(worst, std::abs(static_cast<double>(c) - expected) / (sigma > 0 ? sigma : 1.0));
  return worst;
}

}  // namespace spbench::testing
