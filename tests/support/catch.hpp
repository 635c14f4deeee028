#pragma once
// Every test includes Catch through this header. LibTorch's headers pull in
// glog, whose one-argument CHECK would silently replace Catch's CHECK when a
// LibTorch header is included after Catch (the test still builds, but its
// checks abort instead of reporting). Including glog first and dropping its
// CHECK keeps Catch's everywhere.
#include <ATen/core/Tensor.h>
#ifdef CHECK
#undef CHECK
#endif
#include <catch2/catch.hpp>
