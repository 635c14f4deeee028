#pragma once
// The random generator every plugin hook receives. One generator, owned by the
// core and saved in checkpoints, so that a resumed run draws the same numbers
// as an uninterrupted one.

#include <cstdint>
#include <random>

#include "spbench/util/uniform_index.hpp"

namespace spbench {

using Rng = std::mt19937_64;

// Uniform integer in [0, n) that does not depend on the standard library's
// distribution implementation (results must match across compilers): the
// project's one draw, spbench/util/uniform_index.hpp.
using util::uniform_index;

// Uniform double in [0, 1) built from 53 random bits, portable across compilers.
inline double uniform_real(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

}  // namespace spbench
