// Sampler `uniform`: single-path one-shot training as in SPOS — every edge of
// every sampled cell draws its operation uniformly from the operations the
// (sub-)space allows on that edge.

#include <spbench/sdk/plugin.hpp>

namespace spbench::plugins::uniform_sampler {

class UniformSampler final : public PathSampler {
 public:
  explicit UniformSampler(const Options& options) : paths_per_step_(options.get_int("paths_per_step")) {
  }

  void begin(const SearchSpace& space, int cells) override {
    cells_ = cells;
    for (int e = 0; e < kNumEdges; ++e) {
      int count = 0;
      edge_ops_[e] = space.edge_ops(e).members(&count);
      edge_counts_[e] = count;
    }
  }

  std::vector<Path> next_step(Rng& rng) override {
    std::vector<Path> paths(static_cast<std::size_t>(paths_per_step_));
    for (auto& path : paths) {
      path.cells.resize(static_cast<std::size_t>(cells_));
      for (auto& cell : path.cells)
        for (int e = 0; e < kNumEdges; ++e)
          cell.ops[e] = edge_ops_[e][uniform_index(rng, static_cast<std::uint64_t>(edge_counts_[e]))];
    }
    return paths;
  }

 private:
  std::int64_t paths_per_step_;
  int cells_ = 1;
  std::array<std::array<Op, kNumOps>, kNumEdges> edge_ops_{};
  std::array<int, kNumEdges> edge_counts_{};
};

const OptionSpec kOptions[] = {
    int_option("paths_per_step", "1",
        "independent uniform paths per optimizer step (gradients accumulated before one step)")
        .with_range(">= 1"),
};

SPBENCH_SAMPLER(UniformSampler, "uniform", "1.0.0",
                "every edge draws its operation uniformly at random (SPOS)", kOptions)

}  // namespace spbench::plugins::uniform_sampler
