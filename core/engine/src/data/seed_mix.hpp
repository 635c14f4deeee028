#pragma once
// The data module's seed streams: spbench/sdk/random_seeds.hpp plus the tags
// that keep the streams of its different uses apart.

#include <cstdint>

#include "spbench/sdk/random_seeds.hpp"

namespace spbench::data::detail {

using spbench::mix_seed;
using spbench::splitmix64;

// Tags that keep the streams of different uses apart.
enum class Purpose : std::uint64_t { Holdout = 1, Subset = 2, Order = 3, Augment = 4 };

}  // namespace spbench::data::detail
