#pragma once
// The one portable uniform integer draw of the project: plugins (through
// spbench/sdk/random.hpp), the data pipeline, architecture sampling, the
// bootstrap and the permutation tests all draw with it, so that a seed gives
// the same numbers with every compiler and standard library
// (std::uniform_int_distribution's algorithm is implementation-defined).

#include <cstdint>
#include <random>

namespace spbench::util {

// A uniform integer in [0, n), n > 0. Rejection sampling: outputs at or above
// the largest multiple of n that fits are drawn again, so that what remains
// is a whole number of copies of [0, n) and the remainder is exactly uniform.
inline std::uint64_t uniform_index(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t limit = std::mt19937_64::max() - (std::mt19937_64::max() % n);
  std::uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return x % n;
}

}  // namespace spbench::util
