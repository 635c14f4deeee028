#pragma once
// Helpers for property tests of path samplers (used by the project's tests
// and offered to plugin authors): draw many steps and count what came out.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "spbench/sdk/path_sampler.hpp"

namespace spbench::testing {

struct SamplerDraws {
  std::int64_t steps = 0;
  std::int64_t paths = 0;  // over all steps
  // counts[cell][edge][op]: how often `op` was drawn on `edge` of `cell`.
  std::vector<std::array<std::array<std::int64_t, kNumOps>, kNumEdges>> counts;
  // How often each cell architecture was drawn (all cells pooled).
  std::map<CellArch, std::int64_t> architectures;
  std::vector<std::int64_t> paths_per_step;
  // Steps in which some edge of some cell did not see each allowed operation
  // exactly once (strict fairness broken).
  std::int64_t unfair_steps = 0;
};

// begin(space, cells) once, then `steps` calls of next_step with a generator
// seeded by `seed`. Throws std::logic_error when a path has the wrong number
// of cells or an operation outside the space.
SamplerDraws draw_paths(PathSampler& sampler, const SearchSpace& space, int cells, std::int64_t steps,
                        std::uint64_t seed = 0);

// Largest |observed − expected| / σ over the given categories, for counts
// that should be uniform over `categories` outcomes of `total` draws
// (binomial σ). Below ~4.5 for a correct uniform sampler with overwhelming
// probability even over hundreds of categories.
double max_uniform_deviation(const std::vector<std::int64_t>& counts, std::int64_t total);

}  // namespace spbench::testing
