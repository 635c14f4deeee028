#pragma once
// Every test includes Catch through this header.
//
// LibTorch's headers pull in glog, whose one-argument CHECK would silently
// replace Catch's CHECK when a LibTorch header is included after Catch (the
// test still builds, but its checks abort instead of reporting). Including
// glog first and dropping its CHECK keeps Catch's everywhere.
//
// Catch2 2.x (Debian 12) and 3.x (Debian 13 and later) are both accepted, so
// the suite also runs where only a newer LibTorch and Catch2 are packaged. The
// tests use the 2.x spellings (Approx, Catch::Contains, Catch::StartsWith);
// for 3.x they are mapped onto its names here.
#include <ATen/core/Tensor.h>
#ifdef CHECK
#undef CHECK
#endif
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#include <string>
namespace Catch {
inline Matchers::StringContainsMatcher Contains(const std::string& s, CaseSensitive cs = CaseSensitive::Yes) {
  return Matchers::ContainsSubstring(s, cs);
}
using Matchers::StartsWith;
}  // namespace Catch
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#endif
