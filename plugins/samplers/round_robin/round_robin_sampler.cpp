// Sampler `round-robin`: cycles deterministically through a shuffled list of
// all architectures of the (sub-)space, reshuffling after each full cycle, so
// every architecture is trained equally often (up to one cycle).

#include <ATen/ATen.h>
#include <spbench/sdk/checkpoint_values.hpp>
#include <spbench/sdk/plugin.hpp>
#include <torch/serialize/archive.h>

namespace spbench::plugins::round_robin {

class RoundRobinSampler final : public PathSampler {
 public:
  explicit RoundRobinSampler(const Options& /*options*/) {}

  void begin(const SearchSpace& space, int cells) override {
    cells_ = cells;
    members_ = space.enumerate();
    order_.clear();
    position_ = 0;
  }

  std::vector<Path> next_step(Rng& rng) override {
    Path p;
    p.cells.resize(static_cast<std::size_t>(cells_));
    for (auto& cell : p.cells) {
      if (position_ >= order_.size()) reshuffle(rng);
      cell = members_[order_[position_++]];
    }
    return {p};
  }

  void save_state(torch::serialize::OutputArchive& archive) const override {
    std::vector<std::int64_t> order(order_.begin(), order_.end());
    archive.write("order", at::tensor(order, at::kLong));
    archive.write("position", at::tensor(static_cast<std::int64_t>(position_), at::kLong));
  }

  void load_state(torch::serialize::InputArchive& archive) override {
    at::Tensor order, position;
    archive.read("order", order);
    archive.read("position", position);
    const std::vector<std::int64_t> saved = tensor_int64s(order);
    order_.assign(saved.begin(), saved.end());
    position_ = static_cast<std::size_t>(position.item<std::int64_t>());
  }

 private:
  void reshuffle(Rng& rng) {
    order_.resize(members_.size());
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[uniform_index(rng, i)]);
    position_ = 0;
  }

  int cells_ = 1;
  std::vector<CellArch> members_;
  std::vector<std::size_t> order_;
  std::size_t position_ = 0;
};

SPBENCH_SAMPLER(RoundRobinSampler, "round-robin", "1.0.0",
                "cycles through a shuffled list of all architectures, reshuffled every cycle")

}  // namespace spbench::plugins::round_robin
