#pragma once
// The random generator every plugin hook receives. One generator, owned by the
// core and saved in checkpoints, so that a resumed run draws the same numbers
// as an uninterrupted one.

#include <cstdint>
#include <random>

namespace spbench {

using Rng = std::mt19937_64;

// Uniform integer in [0, n) that does not depend on the standard library's
// distribution implementation (results must match across compilers).
inline std::uint64_t uniform_index(Rng& rng, std::uint64_t n) {
  // Rejection sampling keeps the draw exactly uniform.
  const std::uint64_t limit = Rng::max() - (Rng::max() % n);
  std::uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return x % n;
}

// Uniform double in [0, 1) built from 53 random bits, portable across compilers.
inline double uniform_real(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

}  // namespace spbench
