// NAS-Bench-201 numbers its architectures in the order Python's
// `random.seed(88); random.shuffle(archs)` leaves the generation order
// (CellArch::from_code(0 … 15624)). Reproducing that order needs CPython's
// exact generator: MT19937 seeded through init_by_array, getrandbits and the
// rejection sampling of _randbelow. std::mt19937 has the same recurrence but
// a different seeding, so the seeding is written out here.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include "spbench/space/cell_architecture.hpp"

namespace spbench {
namespace {

class CPythonMersenneTwister {
 public:
  // random.seed(n) for a small non-negative int n uses the key [n].
  explicit CPythonMersenneTwister(std::uint32_t seed) { init_by_array(&seed, 1); }

  std::uint32_t next_uint32() {
    if (index_ >= kN) twist();
    std::uint32_t y = state_[index_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }

  // random.getrandbits(k) for 0 < k <= 32.
  std::uint32_t getrandbits(int k) { return next_uint32() >> (32 - k); }

  // random._randbelow(n): draw bit_length(n) bits until the value is below n.
  std::uint32_t randbelow(std::uint32_t n) {
    int k = 0;
    for (std::uint32_t v = n; v; v >>= 1) ++k;
    std::uint32_t r = getrandbits(k);
    while (r >= n) r = getrandbits(k);
    return r;
  }

 private:
  static constexpr int kN = 624;
  static constexpr int kM = 397;

  void init_genrand(std::uint32_t s) {
    state_[0] = s;
    for (int i = 1; i < kN; ++i)
      state_[i] = 1812433253u * (state_[i - 1] ^ (state_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
    index_ = kN;
  }

  void init_by_array(const std::uint32_t* key, int length) {
    init_genrand(19650218u);
    int i = 1, j = 0;
    for (int k = std::max(kN, length); k > 0; --k) {
      state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1664525u)) + key[j] +
                  static_cast<std::uint32_t>(j);
      ++i;
      ++j;
      if (i >= kN) {
        state_[0] = state_[kN - 1];
        i = 1;
      }
      if (j >= length) j = 0;
    }
    for (int k = kN - 1; k > 0; --k) {
      state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1566083941u)) -
                  static_cast<std::uint32_t>(i);
      ++i;
      if (i >= kN) {
        state_[0] = state_[kN - 1];
        i = 1;
      }
    }
    state_[0] = 0x80000000u;  // guarantees a non-zero state
    index_ = kN;
  }

  void twist() {
    for (int i = 0; i < kN; ++i) {
      const std::uint32_t y = (state_[i] & 0x80000000u) | (state_[(i + 1) % kN] & 0x7fffffffu);
      state_[i] = state_[(i + kM) % kN] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    index_ = 0;
  }

  std::array<std::uint32_t, kN> state_{};
  int index_ = kN;
};

struct IndexTables {
  std::array<int, kNumArchitectures> code_of_index{};  // NAS-Bench-201 index -> code
  std::array<int, kNumArchitectures> index_of_code{};  // code -> NAS-Bench-201 index
};

IndexTables build_tables() {
  IndexTables t;
  for (int c = 0; c < kNumArchitectures; ++c) t.code_of_index[c] = c;
  // random.shuffle: for i in reversed(range(1, n)): j = _randbelow(i + 1); swap.
  CPythonMersenneTwister mt(88);
  for (int i = kNumArchitectures - 1; i > 0; --i) {
    const int j = static_cast<int>(mt.randbelow(static_cast<std::uint32_t>(i + 1)));
    std::swap(t.code_of_index[i], t.code_of_index[j]);
  }
  for (int i = 0; i < kNumArchitectures; ++i) t.index_of_code[t.code_of_index[i]] = i;
  return t;
}

const IndexTables& tables() {
  static const IndexTables t = build_tables();  // thread-safe initialisation
  return t;
}

}  // namespace

int nb201_index(const CellArch& arch) { return tables().index_of_code[arch.code()]; }

CellArch nb201_arch(int index) {
  if (index < 0 || index >= kNumArchitectures)
    throw std::out_of_range(
        fmt::format("NAS-Bench-201 index {} outside 0…{}", index, kNumArchitectures - 1));
  return CellArch::from_code(tables().code_of_index[index]);
}

}  // namespace spbench
