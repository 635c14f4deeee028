// Several paths per forward pass (evaluation/multi_path.hpp) against the
// path-by-path reference: the same logits (1e-5) for every BN mode, both
// re-estimation protocols, affine and non-affine BN, BN without running
// statistics, zero nodes and dead edges, linear-transformer operations; and
// through the Evaluator, the same correct counts and losses.
#include <torch/torch.h>
#include "catch.hpp"

#include <map>

#include "spbench/engine/evaluation/evaluator.hpp"
#include "spbench/engine/evaluation/multi_path.hpp"
#include "spbench/engine/plugins/plugin_registry.hpp"
#include "spbench/sdk/search_space.hpp"

#include "tiny_training.hpp"

using namespace spbench;
using namespace spbench::evaluation;
using BnMode = EvaluationSpec::BnMode;

namespace {

struct NetKind {
  bool affine = true;
  bool track = true;
  bool linear_transformers = false;
};

PluginRegistry& registry() {
  static PluginRegistry r;
  return r;
}

// A C=4, N=1 super-network over all five operations whose BN running
// statistics are not the initial ones, so that the BN modes really differ.
model::Supernet make_net(const NetKind& kind, std::uint64_t seed = 1) {
  torch::manual_seed(static_cast<std::int64_t>(seed));
  NetworkSetup setup;
  setup.channels = 4;
  setup.cells_per_stage = 1;
  setup.bn_affine = kind.affine;
  setup.bn_track_running_stats = kind.track;
  model::SupernetOptions options(setup, SearchSpace(OpSet::all()));
  if (kind.linear_transformers)
    options.operation_factory(model::operation_factory_of(registry().make_strategy(
        "linear-transformers", test::plugin_options(registry(), PluginKind::Strategy, "linear-transformers",
                                                    {{"pool", "true"}}))));
  model::Supernet net(options);
  torch::NoGradGuard no_grad;
  net->train();
  const at::Tensor x = torch::randn({16, 3, 8, 8});
  for (const auto& a : {"|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|",
                        "|skip_connect~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|"})
    for (int i = 0; i < 3; ++i) net->forward(x * (1 + i), Path::shared(CellArch::parse(a)));
  net->eval();
  return net;
}

std::vector<torch::nn::BatchNorm2dImpl*> bns_of(model::Supernet& net) {
  std::vector<torch::nn::BatchNorm2dImpl*> out;
  for (const auto& m : net->modules(false))
    if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) out.push_back(bn);
  return out;
}

// What the path-by-path evaluator computes for one path (evaluator.cpp),
// leaving the network's buffers as they were.
at::Tensor reference_logits(model::Supernet& net, const Path& path, const at::Tensor& x, BnMode mode,
                            const std::vector<at::Tensor>& recalibration, double momentum, bool reset) {
  torch::NoGradGuard no_grad;
  std::map<std::string, at::Tensor> saved;
  for (const auto& b : net->named_buffers()) saved[b.key()] = b.value().clone();
  auto bns = bns_of(net);
  net->eval();
  if (mode == BnMode::Recalibrate) {
    for (auto* bn : bns) {
      if (reset && bn->options.track_running_stats()) bn->reset_running_stats();
      bn->options.momentum(momentum < 0 ? c10::nullopt : c10::optional<double>(momentum));
      bn->train(true);
    }
    for (const auto& r : recalibration) net->forward(r, path);
    for (auto* bn : bns) {
      bn->options.momentum(0.1);
      bn->train(false);
    }
  }
  if (mode == BnMode::Batch)
    for (auto* bn : bns) bn->train(true);
  at::Tensor logits = net->forward(x, path);
  for (auto* bn : bns) bn->train(false);
  for (auto& b : net->named_buffers()) b.value().copy_(saved.at(b.key()));
  return logits;
}

// Paths with everything the plan handles: zero nodes (none-only inputs),
// dead edges, an all-none cell output, the no-path architecture, the same
// operation chosen by some paths and not by others.
std::vector<Path> test_paths() {
  std::vector<Path> paths;
  for (const auto& a : {
           "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|",
           "|none~0|+|skip_connect~0|nor_conv_3x3~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|",
           "|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|",
           "|avg_pool_3x3~0|+|nor_conv_3x3~0|none~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|",
           "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
           "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|",
           "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
       })
    paths.push_back(Path::shared(CellArch::parse(a)));
  // One path with a different architecture in every cell (no topology sharing).
  paths.push_back(Path{{CellArch::parse("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|nor_conv_1x1~2|"),
                        CellArch::parse("|skip_connect~0|+|nor_conv_1x1~0|none~1|+|nor_conv_3x3~0|none~1|none~2|"),
                        CellArch::parse("|avg_pool_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|skip_connect~1|none~2|")}});
  return paths;
}

}  // namespace

TEST_CASE("Scoring several paths in one pass gives each path's own logits in every BN mode", "[evaluation][multi_path]") {
  const NetKind kind = GENERATE(NetKind{true, true, false}, NetKind{false, true, false}, NetKind{false, false, false},
                                NetKind{true, true, true});
  struct Protocol {
    BnMode mode;
    double momentum;
    bool reset;
  };
  const Protocol protocol = GENERATE(Protocol{BnMode::Running, -1, true}, Protocol{BnMode::Batch, -1, true},
                                     Protocol{BnMode::Recalibrate, -1, true}, Protocol{BnMode::Recalibrate, 0.1, false},
                                     Protocol{BnMode::Recalibrate, -1, false});
  CAPTURE(kind.affine, kind.track, kind.linear_transformers, static_cast<int>(protocol.mode), protocol.momentum,
          protocol.reset);
  auto net = make_net(kind);
  const auto paths = test_paths();
  torch::manual_seed(5);
  const at::Tensor x = torch::randn({6, 3, 8, 8});
  const std::vector<at::Tensor> recalibration = {torch::randn({6, 3, 8, 8}) * 1.5 + 0.2, torch::randn({6, 3, 8, 8})};
  std::map<std::string, at::Tensor> before;
  for (const auto& b : net->named_buffers()) before[b.key()] = b.value().clone();

  REQUIRE(MultiPathForward::supports(*net, protocol.mode));
  MultiPathForward multi(*net, MultiPathOptions{protocol.mode, protocol.momentum, protocol.reset});
  torch::NoGradGuard no_grad;
  multi.set_paths(paths);
  if (protocol.mode == BnMode::Recalibrate)
    for (const auto& r : recalibration) multi.recalibrate(r);
  const at::Tensor logits = multi.forward(x);
  REQUIRE(logits.size(0) == static_cast<std::int64_t>(paths.size()) * x.size(0));

  for (std::size_t k = 0; k < paths.size(); ++k) {
    CAPTURE(k);
    const at::Tensor expected =
        reference_logits(net, paths[k], x, protocol.mode, recalibration, protocol.momentum, protocol.reset);
    const at::Tensor got = logits.narrow(0, static_cast<std::int64_t>(k) * x.size(0), x.size(0));
    const double diff = (got - expected).abs().max().item<double>();
    CHECK(diff < 1e-5);
  }
  // The trained network's buffers are untouched.
  for (const auto& b : net->named_buffers()) CHECK(torch::equal(b.value(), before.at(b.key())));
}

TEST_CASE("Paths that all choose one operation on an edge share its result, also when it returns its input",
          "[evaluation][multi_path]") {
  // Groups of paths that agree on whole edges: each path alone, and two paths
  // that both take skip_connect on 0->2 and then add 1->2 into node 2 while
  // 0->3 still reads node 0. Summing into a node that is its input's memory
  // would change node 0 under the later edges.
  std::vector<std::vector<Path>> groups;
  for (const auto& p : test_paths()) groups.push_back({p});
  groups.push_back(
      {Path::shared(CellArch::parse("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|")),
       Path::shared(CellArch::parse("|nor_conv_1x1~0|+|skip_connect~0|avg_pool_3x3~1|+|nor_conv_3x3~0|skip_connect~1|nor_conv_3x3~2|"))});
  const BnMode mode = GENERATE(BnMode::Running, BnMode::Recalibrate);
  CAPTURE(static_cast<int>(mode));
  auto net = make_net(NetKind{});
  torch::manual_seed(6);
  const at::Tensor x = torch::randn({6, 3, 8, 8});
  const std::vector<at::Tensor> recalibration = {torch::randn({6, 3, 8, 8})};
  torch::NoGradGuard no_grad;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    CAPTURE(g);
    MultiPathForward multi(*net, MultiPathOptions{mode, -1, true});
    multi.set_paths(groups[g]);
    if (mode == BnMode::Recalibrate) multi.recalibrate(recalibration[0]);
    const at::Tensor logits = multi.forward(x);
    for (std::size_t k = 0; k < groups[g].size(); ++k) {
      CAPTURE(k);
      const at::Tensor expected = reference_logits(net, groups[g][k], x, mode, recalibration, -1, true);
      const at::Tensor got = logits.narrow(0, static_cast<std::int64_t>(k) * x.size(0), x.size(0));
      CHECK((got - expected).abs().max().item<double>() < 1e-5);
    }
  }
}

TEST_CASE("The per-path statistics are what make recalibrated paths differ", "[evaluation][multi_path]") {
  // Sharing one set of statistics across paths (as a single batch through
  // one BatchNorm would) gives other logits: the check above can fail.
  auto net = make_net(NetKind{});
  const auto paths = test_paths();
  torch::manual_seed(6);
  const at::Tensor x = torch::randn({6, 3, 8, 8});
  torch::NoGradGuard no_grad;
  MultiPathForward together(*net, MultiPathOptions{BnMode::Batch, -1, true});
  together.set_paths(paths);
  const at::Tensor per_path = together.forward(x);
  // Path 0 through the network with BN statistics over all paths' rows.
  auto bns = bns_of(net);
  for (auto* bn : bns) bn->train(true);
  const at::Tensor stacked = net->forward(at::cat({x, x * 3}), paths[0]).narrow(0, 0, x.size(0));
  for (auto* bn : bns) bn->train(false);
  CHECK((stacked - per_path.narrow(0, 0, x.size(0))).abs().max().item<double>() > 1e-3);
}

TEST_CASE("A network with an operation holding its own batch statistics is scored path by path",
          "[evaluation][multi_path]") {
  auto net = make_net(NetKind{false, false, false});
  // ReLUConvBN is handled; a custom module with a BatchNorm inside is not,
  // except with running statistics in Running mode.
  CHECK(MultiPathForward::supports(*net, BnMode::Batch));
  struct OwnBn : model::CandidateOp {
    OwnBn() { bn = register_module("bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(4))); }
    at::Tensor forward(const at::Tensor& x) override { return bn->forward(x); }
    torch::nn::BatchNorm2d bn{nullptr};
  };
  NetworkSetup setup;
  setup.channels = 4;
  setup.cells_per_stage = 1;
  model::SupernetOptions options(setup, SearchSpace(OpSet::all()));
  options.operation_factory([](const OperationSpec& spec) -> std::shared_ptr<model::CandidateOp> {
    if (spec.op == Op::SkipConnect) return std::make_shared<OwnBn>();
    return nullptr;
  });
  model::Supernet custom(options);
  CHECK(MultiPathForward::supports(*custom, BnMode::Running));
  CHECK_FALSE(MultiPathForward::supports(*custom, BnMode::Batch));
  CHECK_FALSE(MultiPathForward::supports(*custom, BnMode::Recalibrate));
  CHECK_THROWS_WITH(MultiPathForward(*custom, MultiPathOptions{BnMode::Batch, -1, true}),
                    Catch::Contains("path-by-path"));
}

TEST_CASE("The evaluator gives the same correct counts and losses with several paths per pass as path by path",
          "[evaluation][multi_path]") {
  const auto valid = test::tiny_dataset(40, 3);
  const auto train = test::tiny_dataset(32, 4);
  const auto archs = SearchSpace(OpSet::all().without(Op::NorConv1x1)).enumerate();  // 1,296
  for (BnMode mode : {BnMode::Running, BnMode::Batch, BnMode::Recalibrate}) {
    CAPTURE(static_cast<int>(mode));
    auto net = make_net(NetKind{false, true, false});
    ScoringNetworks scoring;
    scoring.networks = {net};
    scoring.info = {SubSupernet{"supernet", net->options().space(), true}};
    auto config = [&](std::int64_t k) {
      EvaluationConfig c;
      c.bn = mode;
      c.recalibrate_batches = mode == BnMode::Recalibrate ? 2 : 0;
      c.batches = 0;  // 40 images: a batch of 16, 16 and 8
      c.batch_size = 16;
      c.paths_per_batch = k;
      c.sink = [](const std::string&) {};
      return c;
    };
    Evaluator one(scoring, valid, &train, config(1));
    Evaluator many(scoring, valid, &train, config(7));
    const auto a = one.evaluate(archs);
    const auto b = many.evaluate(archs);
    REQUIRE(a.size() == b.size());
    CHECK(one.stats().runs == many.stats().runs);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      REQUIRE(a[i].index == b[i].index);
      CAPTURE(a[i].arch.to_string());
      differ += a[i].accuracy != b[i].accuracy;
      CHECK(b[i].loss == Approx(a[i].loss).epsilon(1e-5));
    }
    CHECK(differ == 0);
  }
}

TEST_CASE("paths_per_batch 0 picks K from a memory budget (path by path on the CPU without one), and 1 keeps path-by-path scoring",
          "[evaluation][multi_path]") {
  const auto valid = test::tiny_dataset(16, 3);
  auto net = make_net(NetKind{});
  ScoringNetworks scoring;
  scoring.networks = {net};
  scoring.info = {SubSupernet{"supernet", net->options().space(), true}};
  const std::vector<CellArch> archs = {
      CellArch::parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|"),
      CellArch::parse("|skip_connect~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|")};
  EvaluationConfig c;
  c.batches = 0;
  c.batch_size = 16;
  c.sink = [](const std::string&) {};
  c.multi_path_budget_bytes = 1;  // below one path: K = 1
  Evaluator tight(scoring, valid, nullptr, c);
  c.multi_path_budget_bytes = std::int64_t{1} << 30;
  Evaluator roomy(scoring, valid, nullptr, c);
  c.multi_path_budget_bytes = 0;  // on the CPU: path by path
  Evaluator cpu_default(scoring, valid, nullptr, c);
  cpu_default.evaluate(archs);
  CHECK(cpu_default.stats().paths_per_pass == 1);
  c.paths_per_batch = 1;
  Evaluator fixed(scoring, valid, nullptr, c);
  const auto a = tight.evaluate(archs), b = roomy.evaluate(archs), f = fixed.evaluate(archs);
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(b[i].loss == Approx(a[i].loss).epsilon(1e-6));
  CHECK(tight.stats().paths_per_pass == 1);
  CHECK(roomy.stats().paths_per_pass == 2);  // both paths fit 1 GiB
  CHECK(fixed.stats().paths_per_pass == 1);
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(f[i].loss == a[i].loss);  // the same code path, bit for bit
}
