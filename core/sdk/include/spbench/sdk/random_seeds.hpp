#pragma once
// Derives independent generator seeds from a tuple of integers (seed, epoch,
// batch, purpose…). mt19937_64 seeded with nearby integers gives correlated
// early outputs, so every component goes through the splitmix64 finaliser.

#include <cstdint>
#include <initializer_list>

namespace spbench {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

inline std::uint64_t mix_seed(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t h = 0x5350424E43480000ULL;  // arbitrary fixed start
  for (std::uint64_t p : parts) h = splitmix64(h ^ splitmix64(p));
  return h;
}

}  // namespace spbench
