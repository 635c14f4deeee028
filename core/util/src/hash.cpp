#include "spbench/util/hash.hpp"

#include <fmt/format.h>

namespace spbench::util {

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // offset basis
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;  // FNV prime
  return h;
}

std::string fnv1a64_hex(std::string_view text) { return fmt::format("{:016x}", fnv1a64(text)); }

}  // namespace spbench::util
