// Strategy `few-shot` (Zhao et al., 2021): the space is split on one or more
// edges into one sub-super-network per combination of the operations those
// edges allow (one edge of five operations: 5 sub-super-networks; two: 25).
// Training: the one-shot super-network (network 0, the whole space) for
// `epochs_before_split` epochs; then every sub-super-network starts from a
// copy of its weights and trains `epochs_per_subnetwork` epochs on its own
// sub-space only. Evaluation routes each architecture to the one
// sub-super-network whose sub-space contains it.

#include <spbench/sdk/plugin.hpp>

#include <fmt/format.h>

#include <set>

namespace spbench::plugins::few_shot {

class FewShotStrategy final : public SupernetStrategy {
 public:
  explicit FewShotStrategy(const Options& o)
      : edges_(o.get_int_list("split_edges")),
        before_(o.get_int("epochs_before_split")),
        per_child_(o.get_int("epochs_per_subnetwork")) {
    if (edges_.empty()) throw OptionError("split_edges", "split_edges must name at least one edge (0 … 5)");
    std::set<std::int64_t> seen;
    for (auto e : edges_) {
      if (e < 0 || e >= kNumEdges)
        throw OptionError("split_edges", fmt::format("split edge {} does not exist (edges are 0 … 5: 0→1, 0→2, "
                                                     "1→2, 0→3, 1→3, 2→3)", e));
      if (!seen.insert(e).second) throw OptionError("split_edges", fmt::format("split edge {} is named twice", e));
    }
    if (per_child_ < -1 || per_child_ == 0)
      throw OptionError("epochs_per_subnetwork", "epochs_per_subnetwork must be >= 1 (or -1: the rest)");
  }

  void validate(const RunSetup& setup) const override {
    for (auto e : edges_) {
      const int n = setup.space.edge_ops(static_cast<int>(e)).size();
      if (n < 2)
        throw OptionError("split_edges",
                          fmt::format("split edge {} allows {} operation(s) under the search space's subset ({}): "
                                      "nothing to split",
                                      e, n, setup.space.describe()));
    }
    if (before_ >= 0 && per_child_ < 0 && before_ >= setup.epochs)
      throw OptionError("epochs_before_split",
                        fmt::format("epochs_before_split {} leaves no epochs of training.epochs {} for the "
                                    "sub-super-networks; set epochs_per_subnetwork",
                                    before_, setup.epochs));
  }

  std::vector<SubSupernet> partition(const SearchSpace& space) const override {
    std::vector<SubSupernet> nets{SubSupernet{"one-shot", space, /*evaluates=*/false}};
    std::vector<std::pair<SearchSpace, std::string>> parts{{space, ""}};
    for (auto e64 : edges_) {
      const int e = static_cast<int>(e64);
      std::vector<std::pair<SearchSpace, std::string>> next;
      int count = 0;
      const auto ops = space.edge_ops(e).members(&count);
      for (const auto& [sub, name] : parts)
        for (int k = 0; k < count; ++k)
          next.emplace_back(sub.with_edge_fixed(e, ops[k]),
                            fmt::format("{}{}e{}={}", name, name.empty() ? "" : ",", e, op_name(ops[k])));
      parts = std::move(next);
    }
    for (auto& [sub, name] : parts) nets.push_back(SubSupernet{name, sub, true});
    return nets;
  }

  std::vector<TrainingPhase> schedule(int epochs, const std::vector<SubSupernet>& networks) const override {
    const int before = before_ >= 0 ? static_cast<int>(before_) : epochs / 2;
    const int per_child = per_child_ > 0 ? static_cast<int>(per_child_) : std::max(1, epochs - before);
    std::vector<TrainingPhase> phases;
    if (before > 0) phases.push_back(TrainingPhase{0, before, std::nullopt, "one-shot"});
    for (std::size_t k = 1; k < networks.size(); ++k)
      phases.push_back(TrainingPhase{static_cast<int>(k), per_child, 0, networks[k].name});
    return phases;
  }

 private:
  std::vector<std::int64_t> edges_;
  std::int64_t before_;
  std::int64_t per_child_;
};

const OptionSpec kOptions[] = {
    int_list_option("split_edges", "[0]",
        "edges to split on (0: 0→1, 1: 0→2, 2: 1→2, 3: 0→3, 4: 1→3, 5: 2→3); one sub-super-network per operation combination"),
    int_option("epochs_before_split", "-1",
        "epochs of one-shot training before the split (-1: half of training.epochs)")
        .with_range(">= -1"),
    int_option("epochs_per_subnetwork", "-1",
        "epochs each sub-super-network trains after the split (-1: the rest of training.epochs)"),
};

SPBENCH_STRATEGY(FewShotStrategy, "few-shot", "1.0.0",
                 "splits the super-network on chosen edges into warm-started sub-super-networks", kOptions)

}  // namespace spbench::plugins::few_shot
