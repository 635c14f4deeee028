// Variant `ema`: keeps an exponential moving average of every parameter and
// buffer of each trained network (shadow = d·shadow + (1-d)·value after each
// optimizer step) and evaluates with the averaged weights: they are swapped
// in before evaluation and the trained weights restored afterwards.

#include <c10/core/GradMode.h>  // c10::NoGradGuard: ATen/ATen.h stopped exporting at::NoGradGuard in LibTorch 2.x
#include <ATen/ATen.h>
#include <spbench/sdk/plugin.hpp>
#include <spbench/sdk/state_archive.hpp>
#include <torch/nn/module.h>

#include <fmt/format.h>

#include <map>

namespace spbench::plugins::ema {

class Ema final : public TrainingVariant {
 public:
  explicit Ema(const Options& o) : decay_(o.get_float("decay")) {
  }

  void after_optimizer_step(TrainingContext& ctx) override {
    if (!ctx.model) return;
    c10::NoGradGuard no_grad;
    auto& shadow = shadows_[ctx.network];
    for (const auto& item : state_of(*ctx.model)) {
      auto it = shadow.find(item.first);
      if (it == shadow.end()) {
        shadow.emplace(item.first, item.second.detach().clone());
      } else if (item.second.is_floating_point()) {
        it->second.mul_(decay_).add_(item.second.detach(), 1.0 - decay_);
      } else {
        it->second.copy_(item.second);  // counters (BN's num_batches_tracked)
      }
    }
  }

  void before_evaluation(EvaluationContext& ctx) override {
    auto it = shadows_.find(ctx.network);
    if (!ctx.model || it == shadows_.end()) return;
    c10::NoGradGuard no_grad;
    saved_.clear();
    for (auto& item : state_of(*ctx.model)) {
      auto s = it->second.find(item.first);
      if (s == it->second.end()) continue;
      saved_.emplace(item.first, item.second.detach().clone());
      item.second.copy_(s->second);
    }
  }

  void after_evaluation(EvaluationContext& ctx) override {
    if (!ctx.model || saved_.empty()) return;
    c10::NoGradGuard no_grad;
    for (auto& item : state_of(*ctx.model)) {
      auto s = saved_.find(item.first);
      if (s != saved_.end()) item.second.copy_(s->second);
    }
    saved_.clear();
  }

  // Each network's shadow as a named set "n<network>", and the networks.
  void save_state(torch::serialize::OutputArchive& archive) const override {
    StateWriter state(archive);
    std::vector<std::int64_t> networks;
    for (const auto& [network, shadow] : shadows_) {
      networks.push_back(network);
      state.tensors(fmt::format("n{}", network), shadow);
    }
    state.integers("networks", networks);
  }

  void load_state(torch::serialize::InputArchive& archive) override {
    shadows_.clear();
    StateReader state(archive);
    if (!state.has("networks")) return;
    for (const std::int64_t network : state.integers("networks"))
      shadows_[static_cast<int>(network)] = state.tensors(fmt::format("n{}", network));
  }

 private:
  static std::vector<std::pair<std::string, at::Tensor>> state_of(torch::nn::Module& m) {
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (const auto& p : m.named_parameters()) out.emplace_back(p.key(), p.value());
    for (const auto& b : m.named_buffers()) out.emplace_back(b.key(), b.value());
    return out;
  }

  double decay_;
  std::map<int, std::map<std::string, at::Tensor>> shadows_;
  std::map<std::string, at::Tensor> saved_;
};

const OptionSpec kOptions[] = {
    float_option("decay", "0.999",
        "weight of the old average at each step")
        .with_range("[0, 1)"),
};

SPBENCH_VARIANT(Ema, "ema", "1.0.0", "evaluates an exponential moving average of the weights", kOptions)

}  // namespace spbench::plugins::ema
