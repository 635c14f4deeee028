// Scoring architectures with a trained super-network: sharing between
// functionally equivalent architectures, no-path architectures, BatchNorm
// modes, routing hooks and shards.
#include <torch/torch.h>
#include "catch.hpp"

#include <cmath>
#include <map>
#include <set>

#include "spbench/engine/evaluation/evaluator.hpp"
#include "spbench/sdk/search_space.hpp"

#include "tiny_training.hpp"

using namespace spbench;
using namespace spbench::evaluation;
using BnMode = EvaluationSpec::BnMode;

namespace {

data::ImageDataset synthetic(std::int64_t n, std::uint64_t seed) { return test::tiny_dataset(n, seed); }

const OpSet kOps = OpSet::all().without(Op::NorConv1x1).without(Op::AvgPool3x3);

// A C=4, N=1 super-network whose BN running statistics are not the initial
// ones (a few train-mode passes), so that the BN modes really differ.
model::Supernet tiny_net(bool affine, std::uint64_t seed = 1) {
  torch::manual_seed(seed);
  NetworkSetup setup;
  setup.channels = 4;
  setup.cells_per_stage = 1;
  setup.bn_affine = affine;
  model::Supernet net(model::SupernetOptions(setup, SearchSpace(kOps)));
  torch::NoGradGuard no_grad;
  net->train();
  const auto data = synthetic(32, seed + 7);
  const auto x = (data.images.to(torch::kFloat) / 255 - 0.5) / 0.25;
  for (const auto& a : {"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
                        "|skip_connect~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|nor_conv_3x3~2|"})
    for (int i = 0; i < 3; ++i) net->forward(x * (1 + i), Path::shared(CellArch::parse(a)));
  net->eval();
  return net;
}

ScoringNetworks one_network(model::Supernet net) {
  ScoringNetworks n;
  n.networks = {net};
  n.info = {SubSupernet{"supernet", net->options().space(), true}};
  return n;
}

EvaluationConfig config_for(BnMode mode, bool share = true) {
  EvaluationConfig c;
  c.bn = mode;
  c.recalibrate_batches = mode == BnMode::Recalibrate ? 2 : 0;
  c.batches = 2;
  c.batch_size = 16;
  c.share_equivalent = share;
  // Path by path: these tests compare results bit for bit across plans that
  // group the paths differently; test_evaluation_multi_path.cpp checks that
  // several paths per pass agree with it.
  c.paths_per_batch = 1;
  c.sink = [](const std::string&) {};
  return c;
}

std::map<std::string, at::Tensor> buffers_of(model::Supernet& net) {
  std::map<std::string, at::Tensor> out;
  for (const auto& b : net->named_buffers()) out[b.key()] = b.value().clone();
  return out;
}

struct CountingVariant : TrainingVariant {
  int before = 0, after = 0;
  torch::nn::Module* seen = nullptr;
  void before_evaluation(EvaluationContext& ctx) override { ++before, seen = ctx.model; }
  void after_evaluation(EvaluationContext&) override { ++after; }
};

}  // namespace

TEST_CASE("Sharing results between functionally equivalent architectures gives exactly what evaluating each one separately gives",
          "[evaluation]") {
  const auto valid = synthetic(32, 3);
  const auto train = synthetic(32, 4);
  const auto archs = SearchSpace(kOps).enumerate();  // 729 architectures
  for (bool affine : {true, false}) {
    for (BnMode mode : {BnMode::Running, BnMode::Batch, BnMode::Recalibrate}) {
      CAPTURE(affine, static_cast<int>(mode));
      auto net = tiny_net(affine);
      Evaluator shared(one_network(net), valid, &train, config_for(mode, true));
      Evaluator separate(one_network(net), valid, &train, config_for(mode, false));
      const auto plan = plan_evaluation(archs, shared.networks(), shared.config());
      // The zero-node rule is used exactly where it is exact.
      CHECK(plan.zero_rule[0] == (!affine && mode != BnMode::Running));
      const auto a = shared.evaluate(archs, plan);
      const auto b = separate.evaluate(archs);
      REQUIRE(a.size() == archs.size());
      REQUIRE(b.size() == archs.size());
      CHECK(shared.stats().runs < separate.stats().runs);
      for (std::size_t i = 0; i < a.size(); ++i) {
        REQUIRE(a[i].index == b[i].index);
        CAPTURE(a[i].arch.to_string());
        CHECK(a[i].accuracy == b[i].accuracy);
        CHECK(a[i].loss == b[i].loss);
      }
    }
  }
}

TEST_CASE("Architectures without an input-output path are not run and get chance accuracy", "[evaluation]") {
  const auto valid = synthetic(32, 3);
  auto net = tiny_net(true);
  std::vector<CellArch> no_path;
  for (const auto& a : SearchSpace(kOps).enumerate())
    if (!has_input_output_path(a)) no_path.push_back(a);
  REQUIRE(no_path.size() > 10);
  Evaluator ev(one_network(net), valid, nullptr, config_for(BnMode::Running));
  const auto results = ev.evaluate(no_path);
  CHECK(ev.stats().runs == 0);
  CHECK(ev.stats().images == 0);
  for (const auto& r : results) {
    CHECK(r.source == ResultSource::NoPath);
    CHECK(r.accuracy == Approx(10.0));
    CHECK(r.loss == Approx(std::log(10.0)));
  }
}

TEST_CASE("Running and batch statistics give different scores", "[evaluation]") {
  const auto valid = synthetic(32, 3);
  auto net = tiny_net(true);
  const std::vector<CellArch> archs = {
      CellArch::parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"),
      CellArch::parse("|skip_connect~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|")};
  Evaluator running(one_network(net), valid, nullptr, config_for(BnMode::Running));
  Evaluator batch(one_network(net), valid, nullptr, config_for(BnMode::Batch));
  const auto before = buffers_of(net);
  const auto r = running.evaluate(archs);
  const auto b = batch.evaluate(archs);
  CHECK(r[0].loss != b[0].loss);
  CHECK(r[1].loss != b[1].loss);
  // Batch mode's train-mode BN passes leave the stored statistics as they were.
  for (const auto& [name, t] : buffers_of(net)) CHECK(torch::equal(t, before.at(name)));
  CHECK_FALSE(net->is_training());
}

TEST_CASE("Recalibration restores the statistics and does not leak from one architecture to the next", "[evaluation]") {
  const auto valid = synthetic(32, 3);
  const auto train = synthetic(48, 4);
  auto net = tiny_net(true);
  const auto a = CellArch::parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  const auto b = CellArch::parse("|skip_connect~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
  const auto before = buffers_of(net);
  Evaluator first(one_network(net), valid, &train, config_for(BnMode::Recalibrate));
  const auto both = first.evaluate({a, b});
  for (const auto& [name, t] : buffers_of(net)) CHECK(torch::equal(t, before.at(name)));
  Evaluator alone(one_network(net), valid, &train, config_for(BnMode::Recalibrate));
  const auto only_b = alone.evaluate({b});
  REQUIRE(both.size() == 2);
  const auto& b_after_a = both[0].index == nb201_index(b) ? both[0] : both[1];
  CHECK(b_after_a.loss == only_b[0].loss);
  // Recalibration changes the score (the stored statistics are not used).
  Evaluator running(one_network(net), valid, nullptr, config_for(BnMode::Running));
  CHECK(running.evaluate({b})[0].loss != only_b[0].loss);
}

TEST_CASE("UniNAS's re-estimation starts from the trained statistics and moves them with the given momentum",
          "[evaluation]") {
  const auto valid = synthetic(32, 3);
  const auto train = synthetic(48, 4);
  auto net = tiny_net(false);
  const auto arch = CellArch::parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  {
    // Converged running statistics first (tiny_net's few passes leave the
    // head's far from the data, which can silence every feature).
    torch::NoGradGuard no_grad;
    net->train();
    const auto x = (train.images.to(torch::kFloat) / 255 - 0.5) / 0.25;
    for (int i = 0; i < 40; ++i) net->forward(x, Path::shared(arch));
    net->eval();
  }
  {
    // Trained statistics far from both a reset (0, 1) and the data's, so
    // that where the re-estimation starts shows in the score.
    torch::NoGradGuard no_grad;
    // Only the cells' operations: shifted stem or head statistics could
    // silence every feature behind the final ReLU, whatever the cells do.
    for (auto& b : net->named_buffers()) {
      if (b.key().rfind("cell", 0) != 0) continue;
      if (b.key().find("running_mean") != std::string::npos) b.value().add_(0.1);
      if (b.key().find("running_var") != std::string::npos) b.value().mul_(2.0);
    }
    // A sharper classifier, so that the loss follows the features closely
    // (a freshly initialised one scores every input near log 10).
    for (auto& p : net->named_parameters())
      if (p.key().find("classifier") != std::string::npos) p.value().mul_(100.0);
  }
  auto score = [&](BnMode mode, std::int64_t r, double momentum, bool reset) {
    EvaluationConfig c = config_for(mode);
    c.recalibrate_batches = r;
    c.recalibrate_momentum = momentum;
    c.recalibrate_reset = reset;
    Evaluator ev(one_network(net), valid, mode == BnMode::Recalibrate ? &train : nullptr, c);
    return ev.evaluate({arch})[0].loss;
  };
  // One batch with momentum 1 keeps that batch's statistics alone, whatever
  // they started from: the cumulative average of one batch after a reset.
  CHECK(score(BnMode::Recalibrate, 1, 1.0, false) == Approx(score(BnMode::Recalibrate, 1, -1.0, true)).epsilon(1e-5));
  // A tiny momentum barely moves the statistics: without a reset the score is
  // the trained statistics' (running), after a reset it is not.
  const double running = score(BnMode::Running, 0, -1.0, true);
  CHECK(score(BnMode::Recalibrate, 2, 1e-6, false) == Approx(running).epsilon(1e-4));
  CHECK(std::abs(score(BnMode::Recalibrate, 2, 1e-6, true) - running) > 1e-2 * std::abs(running));
  // Momentum 0.1 over 2 batches differs from both the trained statistics and
  // the plain average.
  const double uninas = score(BnMode::Recalibrate, 2, 0.1, false);
  CHECK(uninas != Approx(running).epsilon(1e-4));
  CHECK(uninas != Approx(score(BnMode::Recalibrate, 2, -1.0, true)).epsilon(1e-4));
}

TEST_CASE("Every variant's evaluation hooks are called around scoring with each network", "[evaluation]") {
  const auto valid = synthetic(16, 3);
  auto net = tiny_net(true);
  auto scoring = one_network(net);
  auto v1 = std::make_shared<CountingVariant>();
  auto v2 = std::make_shared<CountingVariant>();
  scoring.variants = {v1, v2};
  Evaluator ev(scoring, valid, nullptr, config_for(BnMode::Running));
  ev.evaluate(SearchSpace(kOps).enumerate());
  CHECK(v1->before == 1);
  CHECK(v1->after == 1);
  CHECK(v2->before == 1);
  CHECK(v1->seen == net.ptr().get());
}

TEST_CASE("Architectures are routed to the network the strategy picks, and only equivalents on one network share",
          "[evaluation]") {
  const auto valid = synthetic(16, 3);
  // Two networks: the second owns the architectures with e0 = skip_connect.
  auto net0 = tiny_net(true, 1);
  auto net1 = tiny_net(true, 2);
  ScoringNetworks scoring;
  scoring.networks = {net0, net1};
  scoring.info = {SubSupernet{"rest", SearchSpace(kOps), true},
                  SubSupernet{"e0=skip", SearchSpace(kOps).with_edge_fixed(0, Op::SkipConnect), true}};
  struct SkipFirst : SupernetStrategy {
    int route(const CellArch& arch, const std::vector<SubSupernet>&) const override {
      return arch.ops[0] == Op::SkipConnect ? 1 : 0;
    }
  };
  scoring.strategy = std::make_shared<SkipFirst>();
  const auto archs = SearchSpace(kOps).enumerate();
  Evaluator ev(scoring, valid, nullptr, config_for(BnMode::Running));
  const auto plan = plan_evaluation(archs, scoring, ev.config());
  for (const auto& g : plan.groups)
    for (int m : g.members)
      if (g.network >= 0) CHECK(g.network == (archs[m].ops[0] == Op::SkipConnect ? 1 : 0));
  const auto results = ev.evaluate(archs, plan);
  for (const auto& r : results)
    if (r.network >= 0) CHECK(r.network == (r.arch.ops[0] == Op::SkipConnect ? 1 : 0));
}

TEST_CASE("Shards are disjoint, cover the plan, and together give the unsharded results", "[evaluation]") {
  const auto valid = synthetic(32, 3);
  const auto train = synthetic(32, 4);
  auto net = tiny_net(false);
  const auto archs = SearchSpace(kOps).enumerate();
  Evaluator ev(one_network(net), valid, &train, config_for(BnMode::Recalibrate));
  const auto plan = plan_evaluation(archs, ev.networks(), ev.config());
  const auto whole = ev.evaluate(archs, plan);
  std::map<int, ArchitectureResult> merged;
  std::size_t covered = 0;
  for (int s = 0; s < 3; ++s) {
    const auto part = shard_plan(plan, s, 3);
    covered += part.architectures;
    for (const auto& r : ev.evaluate(archs, part)) CHECK(merged.emplace(r.index, r).second);  // disjoint
  }
  CHECK(covered == archs.size());
  REQUIRE(merged.size() == whole.size());
  for (const auto& r : whole) {
    CHECK(merged.at(r.index).accuracy == r.accuracy);
    CHECK(merged.at(r.index).loss == r.loss);
  }
  CHECK_THROWS_AS(shard_plan(plan, 3, 3), std::invalid_argument);
}
