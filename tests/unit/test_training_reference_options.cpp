// Effect tests of the training options that follow the reference
// implementations (docs/fidelity.md): each fails when its option is ignored.
#include "catch.hpp"

#include <torch/torch.h>

#include <cmath>
#include <spbench/engine/plugins/plugin_registry.hpp>
#include <spbench/engine/training/trainer.hpp>

#include "tiny_training.hpp"

using namespace spbench;
using spbench::test::make_plugin;
using spbench::test::tiny_config;
using spbench::test::tiny_dataset;

namespace {

CellArch all_edges(Op op) {
  CellArch a;
  a.ops.fill(op);
  return a;
}

// Trains every cell as nor_conv_3x3 in the first step and as nor_conv_1x1
// afterwards, so that the 3×3 convolutions' weights are off the path from
// the second step on, after having had a gradient once.
class SwitchingSampler final : public PathSampler {
 public:
  void begin(const SearchSpace&, int) override {}
  std::vector<Path> next_step(Rng&) override {
    return {Path::shared(all_edges(steps_++ == 0 ? Op::NorConv3x3 : Op::NorConv1x1))};
  }

 private:
  int steps_ = 0;
};

// Records, from the second step on, each parameter before and after the
// update and whether its gradient is undefined or all zeros (off the path).
class OffPathProbe final : public TrainingVariant {
 public:
  struct Record {
    at::Tensor before, after;
    bool has_gradient = false;
  };
  std::vector<std::vector<Record>> steps;  // from the second step on

  void before_optimizer_step(TrainingContext& ctx) override {
    if (step_++ == 0) return;
    std::vector<Record> records;
    for (const auto& p : *ctx.parameters) {
      const at::Tensor g = p.grad();
      if (g.defined() && g.abs().max().item<double>() > 0) {
        records.push_back({});  // on the path: not recorded
        continue;
      }
      records.push_back({p.detach().clone(), at::Tensor(), g.defined()});
    }
    steps.push_back(std::move(records));
  }
  void after_optimizer_step(TrainingContext& ctx) override {
    if (steps.empty() || step_ - 1 != static_cast<int>(steps.size())) return;
    auto& records = steps.back();
    for (std::size_t i = 0; i < records.size(); ++i)
      if (records[i].before.defined()) records[i].after = (*ctx.parameters)[i].detach().clone();
  }

 private:
  int step_ = 0;
};

struct OffPathOutcome {
  int off_path = 0;          // parameters off the path in steps 2…, counted per step
  int with_gradient = 0;     // of those, with a (zero) gradient tensor
  int unchanged = 0;         // bit-identical after the step
  double decay_error = 0.0;  // max |after - (1 - lr·wd)·before| over those with a gradient
};

OffPathOutcome train_off_path(bool keep_zero_gradients, double weight_decay) {
  PluginRegistry registry;
  TrainerConfig config = tiny_config(1, 3);
  config.schedule = "constant";
  config.setup.optimizer.learning_rate = 0.1;
  config.setup.optimizer.momentum = 0.0;
  config.setup.optimizer.nesterov = false;
  config.setup.optimizer.weight_decay = weight_decay;
  config.keep_zero_gradients = keep_zero_gradients;
  Trainer::Plugins p;
  p.sampler = std::make_shared<SwitchingSampler>();
  p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "one-shot");
  auto probe = std::make_shared<OffPathProbe>();
  p.variants.push_back(probe);
  Trainer t(config, p, tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  t.train();
  OffPathOutcome out;
  const double factor = 1.0 - 0.1 * weight_decay;
  for (const auto& step : probe->steps)
    for (const auto& r : step) {
      if (!r.before.defined()) continue;
      ++out.off_path;
      if (r.after.equal(r.before)) ++out.unchanged;
      if (!r.has_gradient) continue;
      ++out.with_gradient;
      out.decay_error = std::max(out.decay_error, (r.after - factor * r.before).abs().max().item<double>());
    }
  return out;
}

}  // namespace

TEST_CASE("Under unsampled_gradients zero, weight decay shrinks operations off the sampled path",
          "[training][reference]") {
  const OffPathOutcome out = train_off_path(/*keep_zero_gradients=*/true, /*weight_decay=*/0.05);
  REQUIRE(out.off_path > 0);
  // The 3×3 convolutions (and their BN) were on the first step's path: they
  // keep a zero gradient, and SGD's decay moves them by exactly (1 - lr·wd).
  CHECK(out.with_gradient > 0);
  CHECK(out.unchanged < out.off_path);
  CHECK(out.decay_error < 1e-6);
}

TEST_CASE("Under unsampled_gradients none, operations off the sampled path stay bit-identical",
          "[training][reference]") {
  const OffPathOutcome out = train_off_path(/*keep_zero_gradients=*/false, /*weight_decay=*/0.05);
  REQUIRE(out.off_path > 0);
  CHECK(out.with_gradient == 0);
  CHECK(out.unchanged == out.off_path);
}

namespace {

std::vector<double> learning_rates(bool per_epoch, int epochs, std::int64_t steps) {
  PluginRegistry registry;
  TrainerConfig config = tiny_config(epochs, steps);
  config.setup.optimizer.learning_rate = 0.1;
  config.setup.optimizer.min_learning_rate = 0.01;
  config.schedule_per_epoch = per_epoch;
  struct RateProbe final : TrainingVariant {
    std::vector<double> rates;
    void before_optimizer_step(TrainingContext& ctx) override { rates.push_back(ctx.learning_rate); }
  };
  Trainer::Plugins p;
  p.sampler = make_plugin<PathSampler>(registry, PluginKind::Sampler, "uniform");
  p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "one-shot");
  auto probe = std::make_shared<RateProbe>();
  p.variants.push_back(probe);
  Trainer t(config, p, tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  t.train();
  return probe->rates;
}

}  // namespace

TEST_CASE("A per-epoch cosine schedule holds the rate within an epoch and follows CosineAnnealingLR",
          "[training][reference]") {
  const int epochs = 4;
  const std::int64_t steps = 3;
  const auto rates = learning_rates(/*per_epoch=*/true, epochs, steps);
  REQUIRE(rates.size() == static_cast<std::size_t>(epochs * steps));
  const double pi = std::acos(-1.0);
  for (int e = 0; e < epochs; ++e) {
    // torch.optim.lr_scheduler.CosineAnnealingLR(T_max=epochs, eta_min=0.01), stepped per epoch.
    const double expected = 0.01 + (0.1 - 0.01) * 0.5 * (1.0 + std::cos(pi * e / epochs));
    for (std::int64_t s = 0; s < steps; ++s) CHECK(rates[static_cast<std::size_t>(e * steps + s)] == Approx(expected).epsilon(1e-12));
  }
  // Per step (the default), the rate changes within an epoch.
  const auto per_step = learning_rates(/*per_epoch=*/false, epochs, steps);
  REQUIRE(per_step.size() == rates.size());
  CHECK(per_step[1] < per_step[0]);
}
