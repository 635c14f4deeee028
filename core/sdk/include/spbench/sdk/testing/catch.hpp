#pragma once
// Catch2 for a plugin's (and spbench's own) tests, whichever Catch2 and
// LibTorch are installed: include this instead of Catch2's own header.
//
// LibTorch's headers pull in c10's logging (glog's, or c10's own copy of
// it), whose one-argument CHECK would replace Catch's CHECK when a LibTorch
// header is included after Catch: with LibTorch 1.13 the test still builds
// but its checks abort instead of reporting, with 2.x a CHECK(a, b) no longer
// compiles. Including the logging header itself first and dropping its CHECK
// keeps Catch's everywhere; its include guard keeps it from coming back.
// <ATen/core/Tensor.h> alone is not enough: 1.13's reaches c10/util/Logging.h,
// 2.x's does not.
//
// Catch2 2.x (Debian 12) and 3.x (Debian 13 and later) are both accepted. The
// 2.x spellings (Approx, Catch::Contains, Catch::StartsWith) work with 3.x
// too: they are mapped onto its names here.
#include <ATen/core/Tensor.h>
#include <c10/util/Logging.h>
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
