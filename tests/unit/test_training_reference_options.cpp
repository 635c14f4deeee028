// Effect tests of the training options that follow the reference
// implementations (docs/fidelity.md): each fails when its option is ignored.
#include "catch.hpp"

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <spbench/engine/model/supernet.hpp>
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

namespace {

// Counts the batches each step transforms and the paths it trains, and
// remembers the first image of every batch (to tell batches apart).
class BatchProbe final : public TrainingVariant {
 public:
  std::vector<int> batches_per_step;
  std::vector<int> paths_per_step;
  std::vector<at::Tensor> first_images;
  void transform_batch(Batch& batch, TrainingContext& ctx) override {
    if (ctx.step != last_step_) {
      batches_per_step.push_back(0);
      paths_per_step.push_back(0);
      last_step_ = ctx.step;
    }
    ++batches_per_step.back();
    first_images.push_back(batch.images[0].clone());
  }
  at::Tensor loss(const at::Tensor& l, const at::Tensor&, const Batch&, TrainingContext&) override {
    ++paths_per_step.back();
    return l;
  }

 private:
  std::int64_t last_step_ = -1;
};

}  // namespace

TEST_CASE("Strict-fair with distinct batches draws one batch per path and steps once every m batches",
          "[training][reference][sampler]") {
  PluginRegistry registry;
  for (const std::string batches : {"shared", "distinct"}) {
    INFO("batches: " << batches);
    // steps_per_epoch 0: one pass over the tiny set in batches of 4.
    TrainerConfig config = tiny_config(1, 0);
    config.setup.batch_size = 4;
    Trainer::Plugins p;
    p.sampler = make_plugin<PathSampler>(registry, PluginKind::Sampler, "strict-fair", {{"batches", batches}});
    REQUIRE(p.sampler);
    p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "one-shot");
    auto probe = std::make_shared<BatchProbe>();
    p.variants.push_back(probe);
    const auto data = tiny_dataset();
    Trainer t(config, p, data, nullptr);
    t.set_message_sink([](const std::string&) {});
    t.train();
    const std::int64_t batches_in_pass = data.size() / config.setup.batch_size;
    REQUIRE(batches_in_pass >= 5);
    if (batches == "shared") {
      CHECK(t.history()[0].steps == batches_in_pass);
      for (int b : probe->batches_per_step) CHECK(b == 1);
    } else {
      // Five operations: five paths, five batches per step.
      CHECK(t.history()[0].steps == batches_in_pass / 5);
      for (int b : probe->batches_per_step) CHECK(b == 5);
      // The step's batches are different images.
      CHECK_FALSE(probe->first_images[0].equal(probe->first_images[1]));
    }
    for (int n : probe->paths_per_step) CHECK(n == 5);
  }
}

TEST_CASE("A ramped drop-path rate follows its per-epoch schedule in the network", "[training][reference]") {
  PluginRegistry registry;
  const int epochs = 5;
  TrainerConfig config = tiny_config(epochs, 1);
  struct RateProbe final : TrainingVariant {
    std::vector<double> rates;
    void before_optimizer_step(TrainingContext& ctx) override {
      auto* net = dynamic_cast<model::SupernetImpl*>(ctx.model);
      rates.push_back(net ? net->options().drop_path() : -1.0);
    }
  };
  auto run = [&](const std::map<std::string, std::string>& options) {
    Trainer::Plugins p;
    p.sampler = make_plugin<PathSampler>(registry, PluginKind::Sampler, "uniform");
    p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "one-shot");
    p.variants.push_back(make_plugin<TrainingVariant>(registry, PluginKind::Variant, "drop-path", options));
    auto probe = std::make_shared<RateProbe>();
    p.variants.push_back(probe);
    RunSetup setup = config.setup;
    for (auto& v : p.variants) v->configure(setup);
    TrainerConfig c = config;
    c.setup = setup;
    Trainer t(c, p, tiny_dataset(), nullptr);
    t.set_message_sink([](const std::string&) {});
    t.train();
    return probe->rates;
  };
  const auto ramp = run({{"p", "0.2"}, {"p_start", "0.0"}});
  REQUIRE(ramp.size() == static_cast<std::size_t>(epochs));
  // UniNAS's ramp: epoch e of E at 0.2 * e / E (the last one step short of 0.2).
  for (int e = 0; e < epochs; ++e) CHECK(ramp[static_cast<std::size_t>(e)] == Approx(0.2 * e / epochs));
  const auto constant = run({{"p", "0.2"}});
  REQUIRE(constant.size() == static_cast<std::size_t>(epochs));
  for (double r : constant) CHECK(r == Approx(0.2));
}

namespace {

// Passes the uniform sampler's paths through and records each phase's space
// and cell count and every path.
class RecordingSampler final : public PathSampler {
 public:
  explicit RecordingSampler(std::shared_ptr<PathSampler> inner) : inner_(std::move(inner)) {}
  struct Phase {
    SearchSpace space;
    int cells = 0;
    std::vector<Path> paths;
  };
  std::vector<Phase> phases;
  void begin(const SearchSpace& space, int cells) override {
    phases.push_back({space, cells, {}});
    inner_->begin(space, cells);
  }
  std::vector<Path> next_step(Rng& rng) override {
    auto paths = inner_->next_step(rng);
    for (const auto& p : paths) phases.back().paths.push_back(p);
    return paths;
  }

 private:
  std::shared_ptr<PathSampler> inner_;
};

}  // namespace

TEST_CASE("Few-shot with per-cell sampling trains the parent fully, then each child on its sub-space, every cell "
          "drawing its own architecture",
          "[training][reference][strategy]") {
  PluginRegistry registry;
  TrainerConfig config = tiny_config(2, 4);
  config.setup.topology_sharing = false;  // few-shot-NAS: every cell samples its own architecture
  Trainer::Plugins p;
  auto recorder =
      std::make_shared<RecordingSampler>(make_plugin<PathSampler>(registry, PluginKind::Sampler, "uniform"));
  p.sampler = recorder;
  p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "few-shot",
                                             {{"split_edges", "[0]"},
                                              {"epochs_before_split", "2"},
                                              {"epochs_per_subnetwork", "1"}});
  Trainer t(config, p, tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  t.train();
  // The parent for both epochs, then five children for one epoch each.
  REQUIRE(recorder->phases.size() == 6u);
  CHECK(recorder->phases[0].paths.size() == 2u * 4u);
  int differing_cells = 0;
  for (std::size_t k = 0; k < recorder->phases.size(); ++k) {
    const auto& phase = recorder->phases[k];
    INFO("phase " << k);
    CHECK(phase.cells == 3);  // N=1: three cells
    if (k > 0) {
      CHECK(phase.paths.size() == 4u);
      REQUIRE(phase.space.edge_ops(0).size() == 1);
    }
    for (const auto& path : phase.paths) {
      REQUIRE(path.cells.size() == 3u);
      differing_cells += !(path.cells[0] == path.cells[1] && path.cells[1] == path.cells[2]);
      // Every cell's edge 0 holds the child's one operation.
      for (const auto& cell : path.cells) CHECK(phase.space.edge_ops(0).contains(cell.ops[0]));
    }
  }
  CHECK(differing_cells > 0);
  const auto& history = t.history();
  REQUIRE(history.size() == 7u);
  CHECK(history[0].phase == 0);
  CHECK(history[1].phase == 0);
  CHECK(history[6].phase == 5);
}
