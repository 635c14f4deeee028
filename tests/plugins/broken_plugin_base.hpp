#pragma once
// A trivially valid sampler that the broken test plugins describe wrongly.
#include <spbench/sdk/plugin.hpp>

namespace spbench::test_plugins {
class NullSampler final : public PathSampler {
 public:
  explicit NullSampler(const Options&) {}
  void begin(const SearchSpace&, int) override {}
  std::vector<Path> next_step(Rng&) override { return {Path::shared(CellArch{})}; }
};
}  // namespace spbench::test_plugins
