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

bool identical(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a[i].equal(b[i])) return false;
  return true;
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

TEST_CASE("The strict-fair sampler's paths accumulate gradients before one step") {
  PluginRegistry registry;
  Trainer t(tiny_config(1, 2), plugins(registry, "strict-fair"), tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  t.train();
  REQUIRE(t.history().size() == 1);
  CHECK(t.history()[0].steps == 2);
  // Five paths per step, each a forward/backward pass over the batch of 16.
  CHECK(t.history()[0].images_per_second * t.history()[0].seconds == Approx(2 * 5 * 16).epsilon(1e-6));
}

TEST_CASE("The cosine schedule ends at the minimum learning rate") {
  PluginRegistry registry;
  auto config = tiny_config(2, 4);
  config.setup.optimizer.learning_rate = 0.1;
  config.setup.optimizer.min_learning_rate = 0.001;
  Trainer t(config, plugins(registry), tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  t.train();
  // The last of 8 steps uses t = 7/8 of the cosine.
  const double expected = 0.001 + (0.1 - 0.001) * 0.5 * (1 + std::cos(3.14159265358979323846 * 7.0 / 8.0));
  CHECK(t.history().back().learning_rate == Approx(expected));
}
