// Sampler `strict-fair` (FairNAS): per optimizer step every edge of every
// sampled cell draws a random permutation of its allowed operations; path j
// takes the j-th entry of each permutation. The step trains all m paths
// (m = the largest number of operations an edge allows) with accumulated
// gradients, so every operation of every edge gets exactly one gradient per
// step. An edge allowing fewer operations (a few-shot split edge) repeats its
// permutation; its operations then get several gradients per step.
// Option `batches`: `shared` trains the m paths on one batch (FairNAS);
// `distinct` gives each path its own batch and steps once every m batches, as
// UniNAS does (cogsys-tuebingen/uninas uninas/methods/random_fair.py with
// uninas/training/trainer/simple.py accumulating over m batches).

#include <spbench/sdk/plugin.hpp>

#include <algorithm>

namespace spbench::plugins::strict_fair {

class StrictFairSampler final : public PathSampler {
 public:
  explicit StrictFairSampler(const Options& options) : distinct_(options.get_string("batches") == "distinct") {}

  int batches_per_step() const override { return distinct_ ? paths_ : 1; }

  void begin(const SearchSpace& space, int cells) override {
    cells_ = cells;
    paths_ = 1;
    for (int e = 0; e < kNumEdges; ++e) {
      int count = 0;
      edge_ops_[e] = space.edge_ops(e).members(&count);
      edge_counts_[e] = count;
      paths_ = std::max(paths_, count);
    }
  }

  std::vector<Path> next_step(Rng& rng) override {
    std::vector<Path> paths(static_cast<std::size_t>(paths_));
    for (auto& p : paths) p.cells.resize(static_cast<std::size_t>(cells_));
    for (int c = 0; c < cells_; ++c) {
      for (int e = 0; e < kNumEdges; ++e) {
        const int n = edge_counts_[e];
        std::array<Op, kNumOps> perm = edge_ops_[e];
        // Fisher-Yates with the portable uniform_index (same draws everywhere).
        for (int i = n - 1; i > 0; --i)
          std::swap(perm[i], perm[uniform_index(rng, static_cast<std::uint64_t>(i + 1))]);
        for (int j = 0; j < paths_; ++j) paths[j].cells[c].ops[e] = perm[j % n];
      }
    }
    return paths;
  }

 private:
  bool distinct_ = false;
  int cells_ = 1;
  int paths_ = 1;
  std::array<std::array<Op, kNumOps>, kNumEdges> edge_ops_{};
  std::array<int, kNumEdges> edge_counts_{};
};

const OptionSpec kOptions[] = {
    string_option("batches", "shared",
        "`shared`: the m paths of a step train on one batch (FairNAS); `distinct`: each path on its own batch, one "
        "optimizer step every m batches (UniNAS)")
        .with_choices("shared|distinct"),
};

SPBENCH_SAMPLER(StrictFairSampler, "strict-fair", "1.1.0",
                "FairNAS strict fairness: each step trains one path per operation, every operation once per edge",
                kOptions)

}  // namespace spbench::plugins::strict_fair
