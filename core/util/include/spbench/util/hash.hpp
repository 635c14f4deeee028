#pragma once
// FNV-1a (64 bit): a fast, stable, non-cryptographic hash for names that must
// not change between builds and machines (cell ids, cache keys, set hashes).
// Not std::hash, whose values the standard leaves to the implementation.

#include <cstdint>
#include <string>
#include <string_view>

namespace spbench::util {

std::uint64_t fnv1a64(std::string_view text);

// fnv1a64 as 16 lower-case hex digits (zero-padded).
std::string fnv1a64_hex(std::string_view text);

}  // namespace spbench::util
