#pragma once
// Every test includes Catch through this header: the SDK's, which plugin
// projects use too (LibTorch's CHECK kept out, Catch2 2.x and 3.x alike).
#include <spbench/sdk/testing/catch.hpp>
