// The trainer: bit-identical resumption, isolation of operations off the
// path, non-finite losses, checkpoints and logs.

#include "catch.hpp"

#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <spbench/engine/runs/run_directory.hpp>

#include "test_paths.hpp"
#include "tiny_training.hpp"

using namespace spbench;
using spbench::test::identical;
using spbench::test::make_plugin;
using spbench::test::tiny_config;
using spbench::test::tiny_dataset;

namespace {

Trainer::Plugins plugins(const PluginRegistry& r, const std::string& sampler = "uniform",
                         const std::string& strategy = "one-shot", std::vector<std::string> variants = {}) {
  Trainer::Plugins p;
  p.sampler = make_plugin<PathSampler>(r, PluginKind::Sampler, sampler);
  p.strategy = make_plugin<SupernetStrategy>(r, PluginKind::Strategy, strategy);
  for (const auto& v : variants) p.variants.push_back(make_plugin<TrainingVariant>(r, PluginKind::Variant, v));
  return p;
}

std::vector<at::Tensor> state_of(Trainer& t) {
  std::vector<at::Tensor> out;
  for (auto& net : t.networks()) {
    for (auto& p : net->parameters()) out.push_back(p.detach().clone());
    for (auto& b : net->buffers()) out.push_back(b.detach().clone());
  }
  return out;
}

// Loss turns NaN from the given epoch on.
class PoisonLoss final : public TrainingVariant {
 public:
  explicit PoisonLoss(int from_epoch) : from_(from_epoch) {}
  at::Tensor loss(const at::Tensor& loss, const at::Tensor&, const Batch&, TrainingContext& ctx) override {
    return ctx.epoch >= from_ ? loss * std::nan("") : loss;
  }

 private:
  int from_;
};

}  // namespace

TEST_CASE("A run killed between its checkpoint and its log write gets its log back when resumed") {
  PluginRegistry registry;
  auto dir = spbench::test::scratch_dir("resume-log-short");
  {
    RunDirectory run(dir, {});
    Trainer t(tiny_config(), plugins(registry), tiny_dataset(), &run);
    t.set_message_sink([](const std::string&) {});
    t.train();  // all epochs: the last checkpoint holds the whole history
    REQUIRE(t.finished());
  }
  auto lines_of = [&] {
    std::ifstream log(dir / "train-log.jsonl");
    std::vector<std::string> lines;
    for (std::string line; std::getline(log, line);) lines.push_back(line);
    return lines;
  };
  const auto full = lines_of();
  REQUIRE(full.size() == 3);
  // What a kill -9 after the checkpoint's rename and before the log's leaves.
  {
    std::ofstream log(dir / "train-log.jsonl", std::ios::trunc);
    log << full[0] << "\n" << full[1] << "\n";
  }
  RunDirectory again(dir, RunDirectoryPolicy{false, true});
  Trainer t(tiny_config(), plugins(registry), tiny_dataset(), &again);
  t.set_message_sink([](const std::string&) {});
  t.train();
  CHECK(t.finished());
  CHECK(lines_of() == full);
}

TEST_CASE("A run resumed from its checkpoint ends with the same weights and log as an uninterrupted run") {
  PluginRegistry registry;
  const std::vector<std::string> variants{"mixup", "ema", "label-smoothing"};
  SECTION("one-shot") {
    auto dir_a = spbench::test::scratch_dir("resume-a");
    RunDirectory run_a(dir_a, {});
    Trainer a(tiny_config(), plugins(registry, "round-robin", "one-shot", variants), tiny_dataset(), &run_a);
    a.set_message_sink([](const std::string&) {});
    a.train();
    REQUIRE(a.finished());

    auto dir_b = spbench::test::scratch_dir("resume-b");
    {
      RunDirectory run_b(dir_b, {});
      Trainer b(tiny_config(), plugins(registry, "round-robin", "one-shot", variants), tiny_dataset(), &run_b);
      b.set_message_sink([](const std::string&) {});
      b.train(/*stop_after_epochs=*/1);
      REQUIRE(b.completed_epochs() == 1);
      REQUIRE_FALSE(b.finished());
    }
    RunDirectory run_c(dir_b, RunDirectoryPolicy{false, true});
    REQUIRE(run_c.resumed());
    // Fresh plugin objects and a fresh trainer: everything comes from the checkpoint.
    Trainer c(tiny_config(), plugins(registry, "round-robin", "one-shot", variants), tiny_dataset(), &run_c);
    c.set_message_sink([](const std::string&) {});
    c.train();
    REQUIRE(c.finished());
    CHECK(identical(state_of(a), state_of(c)));
    REQUIRE(a.history().size() == c.history().size());
    for (std::size_t i = 0; i < a.history().size(); ++i) CHECK(a.history()[i].loss == c.history()[i].loss);
    // The epoch log is rewritten from the checkpoint: exactly one line per epoch.
    std::ifstream log(dir_b / "train-log.jsonl");
    int lines = 0;
    for (std::string line; std::getline(log, line);) ++lines;
    CHECK(lines == 3);
  }
  SECTION("few-shot, interrupted right at the split") {
    auto config = tiny_config(4, 2);
    auto make = [&] {
      Trainer::Plugins p = plugins(registry, "uniform", "few-shot");
      p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "few-shot",
                                                 {{"epochs_before_split", "2"}, {"epochs_per_subnetwork", "1"}});
      return p;
    };
    auto dir_a = spbench::test::scratch_dir("resume-fs-a");
    RunDirectory run_a(dir_a, {});
    Trainer a(config, make(), tiny_dataset(), &run_a);
    a.set_message_sink([](const std::string&) {});
    a.train();
    CHECK(a.total_epochs() == 2 + 5);
    auto dir_b = spbench::test::scratch_dir("resume-fs-b");
    {
      RunDirectory run_b(dir_b, {});
      Trainer b(config, make(), tiny_dataset(), &run_b);
      b.set_message_sink([](const std::string&) {});
      b.train(2);  // the warm-up phase only: the checkpoint sits at the split
    }
    RunDirectory run_c(dir_b, RunDirectoryPolicy{false, true});
    Trainer c(config, make(), tiny_dataset(), &run_c);
    c.set_message_sink([](const std::string&) {});
    c.train();
    CHECK(identical(state_of(a), state_of(c)));
  }
}

TEST_CASE("Training a path leaves the operations off it bit-identical") {
  PluginRegistry registry(false);
  registry.load_library(std::filesystem::path(SPBENCH_TEST_EXTRA_PLUGIN_DIR) / "fixed-sampler.so");
  PluginRegistry bundled;
  Trainer::Plugins p;
  // One fixed architecture every step: conv3x3 on edge 0 only.
  const CellArch arch = CellArch::parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|");
  Options o;
  o.set("code", std::int64_t{arch.code()});
  p.sampler = registry.make_sampler("test-fixed", o);
  p.strategy = make_plugin<SupernetStrategy>(bundled, PluginKind::Strategy, "one-shot");
  auto config = tiny_config(2, 3);
  config.setup.optimizer.weight_decay = 5e-4;
  config.setup.optimizer.momentum = 0.9;
  Trainer t(config, p, tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  auto& net = t.networks()[0];
  const auto on_path = net->parameters_on_path(Path::shared(arch));
  std::vector<std::pair<at::Tensor, at::Tensor>> off;  // (live, copy)
  for (auto& param : net->parameters()) {
    bool used = false;
    for (const auto& q : on_path) used = used || q.is_same(param);
    if (!used) off.emplace_back(param, param.detach().clone());
  }
  std::vector<std::pair<at::Tensor, at::Tensor>> on;
  for (const auto& q : on_path) on.emplace_back(q, q.detach().clone());
  REQUIRE(off.size() > 10);
  t.train();
  for (const auto& [live, copy] : off) CHECK(live.equal(copy));
  int moved = 0;
  for (const auto& [live, copy] : on) moved += live.equal(copy) ? 0 : 1;
  CHECK(moved == static_cast<int>(on.size()));  // and the check can fail: these did move
}

TEST_CASE("A non-finite loss stops the run and keeps the last good checkpoint") {
  PluginRegistry registry;
  auto dir = spbench::test::scratch_dir("nan-stop");
  RunDirectory run(dir, {});
  auto p = plugins(registry);
  p.variants.push_back(std::make_shared<PoisonLoss>(1));
  Trainer t(tiny_config(), p, tiny_dataset(), &run);
  t.set_message_sink([](const std::string&) {});
  CHECK_THROWS_WITH(t.train(), Catch::Contains("non-finite loss at epoch 2, step 1") &&
                                   Catch::Contains("on_nonfinite_loss: skip"));
  CHECK(t.completed_epochs() == 1);
  CHECK(std::filesystem::exists(dir / "checkpoint.pt"));
  // Nothing half-written: no temporary files left beside the checkpoint.
  for (const auto& e : std::filesystem::directory_iterator(dir))
    CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("With on_nonfinite_loss skip, bad steps are skipped and counted") {
  PluginRegistry registry;
  auto p = plugins(registry);
  p.variants.push_back(std::make_shared<PoisonLoss>(2));
  auto config = tiny_config();
  config.skip_nonfinite_loss = true;
  Trainer t(config, p, tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  t.train();
  REQUIRE(t.history().size() == 3);
  CHECK(t.history()[1].skipped_steps == 0);
  CHECK(t.history()[2].skipped_steps == 3);
  CHECK(t.history()[2].steps == 0);
}

namespace {

// Watches the steps of a run: each path's own gradient (taken from the loss
// before the trainer back-propagates it), the gradient the optimizer then
// sees, and the weights before and after the update.
class GradientProbe final : public TrainingVariant {
 public:
  struct Step {
    int paths = 0;                // forward passes (paths) of the step
    int updates = 0;              // optimizer steps between before/after_optimizer_step
    double sum_error = 0.0;       // max |accumulated - sum of the paths' gradients|
    bool undefined_mismatch = false;  // a gradient defined in one and not the other
    bool differs_from_last = false;   // the accumulated gradient is not just the last path's
    double update_error = 0.0;    // max |after - (before - lr * gradient)|
    double update_size = 0.0;     // max |lr * gradient|: what a missing or second step would be off by
  };
  std::vector<Step> steps;
  int hook_errors = 0;  // hooks called out of order

  at::Tensor loss(const at::Tensor& loss, const at::Tensor&, const Batch&, TrainingContext& ctx) override {
    if (steps.empty() || in_update_) {
      steps.emplace_back();
      in_update_ = false;
      sum_.assign(ctx.parameters->size(), at::Tensor());
    }
    // retain_graph: the trainer's backward of the same loss follows.
    const auto grads = torch::autograd::grad({loss}, *ctx.parameters, {}, /*retain_graph=*/true,
                                             /*create_graph=*/false, /*allow_unused=*/true);
    last_ = grads;
    for (std::size_t i = 0; i < grads.size(); ++i)
      if (grads[i].defined()) sum_[i] = sum_[i].defined() ? sum_[i] + grads[i] : grads[i].clone();
    ++steps.back().paths;
    return loss;
  }

  void before_optimizer_step(TrainingContext& ctx) override {
    if (steps.empty() || in_update_) {
      ++hook_errors;
      return;
    }
    Step& step = steps.back();
    const auto& params = *ctx.parameters;
    before_.clear();
    grads_.clear();
    for (std::size_t i = 0; i < params.size(); ++i) {
      const at::Tensor g = params[i].grad();
      before_.push_back(params[i].detach().clone());
      grads_.push_back(g.defined() ? g.detach().clone() : at::Tensor());
      if (g.defined() != sum_[i].defined()) {
        step.undefined_mismatch = true;
        continue;
      }
      if (!g.defined()) continue;
      // Relative to the gradient's size: summation order may differ in the last bits.
      const double size = sum_[i].abs().max().item<double>();
      step.sum_error = std::max(step.sum_error, (g - sum_[i]).abs().max().item<double>() / std::max(size, 1e-30));
      if (!last_[i].defined() || !g.allclose(last_[i], 1e-4, 1e-7)) step.differs_from_last = true;
    }
    lr_ = ctx.learning_rate;
    in_update_ = true;
  }

  void after_optimizer_step(TrainingContext& ctx) override {
    if (!in_update_) {
      ++hook_errors;
      return;
    }
    Step& step = steps.back();
    ++step.updates;
    const auto& params = *ctx.parameters;
    for (std::size_t i = 0; i < params.size(); ++i) {
      // Plain SGD (no momentum, no decay): one step is w - lr * g; a
      // parameter without a gradient does not move.
      const at::Tensor expected = grads_[i].defined() ? before_[i] - lr_ * grads_[i] : before_[i];
      if (grads_[i].defined()) step.update_size = std::max(step.update_size, lr_ * grads_[i].abs().max().item<double>());
      step.update_error = std::max(step.update_error, (params[i].detach() - expected).abs().max().item<double>());
    }
  }

 private:
  bool in_update_ = false;
  std::vector<at::Tensor> sum_, last_, before_, grads_;
  double lr_ = 0.0;
};

}  // namespace

TEST_CASE("The strict-fair sampler's paths accumulate gradients before one step") {
  PluginRegistry registry;
  auto config = tiny_config(1, 2);
  // Plain SGD at a constant rate, so that one step's effect on the weights
  // is exactly -lr * gradient at every step.
  config.schedule = "constant";
  config.setup.optimizer.learning_rate = 0.05;
  config.setup.optimizer.momentum = 0.0;
  config.setup.optimizer.nesterov = false;
  config.setup.optimizer.weight_decay = 0.0;
  // Undefined gradients off the path: the probe's check that the step's
  // gradient is the paths' sum compares which gradients exist.
  config.keep_zero_gradients = false;
  auto p = plugins(registry, "strict-fair");
  auto probe = std::make_shared<GradientProbe>();
  p.variants.push_back(probe);
  Trainer t(config, p, tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  t.train();
  REQUIRE(t.history().size() == 1);
  CHECK(t.history()[0].steps == 2);
  CHECK(probe->hook_errors == 0);
  REQUIRE(probe->steps.size() == 2);
  for (const auto& step : probe->steps) {
    // Five paths (one per operation) go into one step.
    CHECK(step.paths == 5);
    // The step's gradient is the sum of the five paths' gradients...
    CHECK_FALSE(step.undefined_mismatch);
    CHECK(step.sum_error < 1e-5);
    CHECK(step.differs_from_last);  // (and so not the last path's alone)
    // ...and exactly one optimizer step is made with it.
    CHECK(step.updates == 1);
    CHECK(step.update_error < 1e-6);
    CHECK(step.update_size > 1e-4);  // (large enough for the check above to see a wrong step)
  }
}

TEST_CASE("The cosine schedule steps towards the minimum learning rate as PyTorch's CosineAnnealingLR with T_max = the phase's steps") {
  // Step s of a phase of N steps uses min + (lr - min) (1 + cos(pi s / N)) / 2, so the last step (s = N - 1) is one
  // step short of the minimum, which the schedule reaches after the phase (PyTorch's CosineAnnealingLR stepped per
  // batch with T_max = N behaves the same).
  PluginRegistry registry;
  const double pi = std::acos(-1.0);
  const auto last_rate = [&](double lr, double min, double steps) {
    return min + (lr - min) * 0.5 * (1.0 + std::cos(pi * (steps - 1.0) / steps));
  };
  SECTION("one phase") {
    auto config = tiny_config(2, 4);
    config.setup.optimizer.learning_rate = 0.1;
    config.setup.optimizer.min_learning_rate = 0.001;
    Trainer t(config, plugins(registry), tiny_dataset(), nullptr);
    t.set_message_sink([](const std::string&) {});
    t.train();
    REQUIRE(t.history().size() == 2);
    // Each epoch's record holds the rate of its last step: steps 3 and 7 of 8.
    CHECK(t.history()[0].learning_rate == Approx(0.001 + 0.099 * 0.5 * (1.0 + std::cos(pi * 3.0 / 8.0))).epsilon(1e-12));
    CHECK(t.history()[1].learning_rate == Approx(last_rate(0.1, 0.001, 8.0)).epsilon(1e-12));
    CHECK(t.history()[1].learning_rate > 0.001);
    CHECK(t.history()[1].learning_rate < 0.001 + 0.099 * 0.05);
  }
  SECTION("few-shot: each phase has its own schedule towards the minimum") {
    auto config = tiny_config(4, 2);
    config.setup.optimizer.learning_rate = 0.1;
    config.setup.optimizer.min_learning_rate = 0.002;
    Trainer::Plugins p = plugins(registry, "uniform", "few-shot");
    p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "few-shot",
                                               {{"epochs_before_split", "2"}, {"epochs_per_subnetwork", "1"}});
    Trainer t(config, p, tiny_dataset(), nullptr);
    t.set_message_sink([](const std::string&) {});
    t.train();
    REQUIRE(t.history().size() == 7);
    // The warm-up phase: 2 epochs of 2 steps; each child: 1 epoch of 2 steps, its own schedule from the top.
    CHECK(t.history()[0].learning_rate == Approx(0.002 + 0.098 * 0.5 * (1.0 + std::cos(pi * 1.0 / 4.0))).epsilon(1e-12));
    CHECK(t.history()[1].learning_rate == Approx(last_rate(0.1, 0.002, 4.0)).epsilon(1e-12));
    for (std::size_t i = 2; i < t.history().size(); ++i) {
      INFO("epoch " << i);
      CHECK(t.history()[i].learning_rate == Approx(last_rate(0.1, 0.002, 2.0)).epsilon(1e-12));
    }
  }
  SECTION("constant: the one rate is its own minimum") {
    auto config = tiny_config(2, 2);
    config.schedule = "constant";
    config.setup.optimizer.learning_rate = 0.03;
    config.setup.optimizer.min_learning_rate = 0.001;
    Trainer t(config, plugins(registry), tiny_dataset(), nullptr);
    t.set_message_sink([](const std::string&) {});
    t.train();
    CHECK(t.history().back().learning_rate == 0.03);
  }
}
