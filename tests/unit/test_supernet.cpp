// The NAS-Bench-201 super-network: what a single-path forward pass computes
// and which weights it touches.
// LibTorch first: its glog CHECK macro must not replace Catch's.
#include <torch/torch.h>
#include "catch.hpp"

#include <algorithm>

#include <set>
#include <vector>

#include "spbench/engine/model/operations.hpp"
#include "spbench/engine/model/supernet.hpp"

using namespace spbench;
using namespace spbench::model;

namespace {

CellArch arch_of(Op e0, Op e1, Op e2, Op e3, Op e4, Op e5) { return CellArch{{e0, e1, e2, e3, e4, e5}}; }

const CellArch kAllNone = arch_of(Op::None, Op::None, Op::None, Op::None, Op::None, Op::None);
const CellArch kAllConv = arch_of(Op::NorConv3x3, Op::NorConv3x3, Op::NorConv3x3, Op::NorConv3x3,
                                  Op::NorConv3x3, Op::NorConv3x3);
// Nodes 1 and 2 are computed but nothing leads from them to node 3.
const CellArch kDisconnected =
    arch_of(Op::NorConv3x3, Op::NorConv1x1, Op::SkipConnect, Op::None, Op::None, Op::None);
// e0 (0→1) is a dead edge: node 1 has no outgoing operation.
const CellArch kDeadEdge =
    arch_of(Op::NorConv3x3, Op::AvgPool3x3, Op::None, Op::NorConv1x1, Op::None, Op::NorConv3x3);

SupernetOptions tiny(int channels = 4, int cells_per_stage = 1) {
  return SupernetOptions().channels(channels).cells_per_stage(cells_per_stage);
}

std::set<const void*> ids(const std::vector<at::Tensor>& tensors) {
  std::set<const void*> out;
  for (const auto& t : tensors) out.insert(t.unsafeGetTensorImpl());
  return out;
}

std::vector<at::Tensor> with_gradient(const torch::nn::Module& m) {
  std::vector<at::Tensor> out;
  for (const auto& p : m.parameters())
    if (p.grad().defined()) out.push_back(p);
  return out;
}

void backward_on(Supernet& net, const at::Tensor& x, const Path& path) {
  net->forward(x, path).square().sum().backward();
}

// Every row of `logits` equals the first one.
bool rows_equal(const at::Tensor& logits) {
  return torch::allclose(logits, logits[0].unsqueeze(0).expand_as(logits), 1e-5, 1e-6);
}

}  // namespace

TEST_CASE("A super-network gives one row of logits per sample for shared and per-cell paths",
          "[supernet]") {
  torch::manual_seed(0);
  Supernet net(tiny(4, 2));
  const auto x = torch::randn({3, 3, 8, 8});
  CHECK(net->num_cells() == 6);
  CHECK(net->forward(x, Path::shared(kAllConv)).sizes() == at::IntArrayRef({3, 10}));
  Path per_cell{{kAllConv, kDeadEdge, kAllNone, kDisconnected, CellArch::from_code(1234), CellArch::from_code(777)}};
  const auto y = net->forward(x, per_cell);
  CHECK(y.sizes() == at::IntArrayRef({3, 10}));
  CHECK(torch::isfinite(y).all().item<bool>());
}

TEST_CASE("A super-network refuses a path of the wrong length or with an operation it does not hold",
          "[supernet]") {
  Supernet net(tiny().space(SearchSpace(OpSet::all().without(Op::NorConv3x3))));
  const auto x = torch::randn({2, 3, 8, 8});
  CHECK_THROWS_AS(net->forward(x, Path{{kAllNone, kAllNone}}), std::invalid_argument);
  CHECK_THROWS_AS(net->forward(x, Path::shared(kAllConv)), std::invalid_argument);
  CHECK(net->operation(0, 0, Op::NorConv3x3) == nullptr);
  CHECK(net->operation(0, 0, Op::None) == nullptr);
  CHECK(net->operation(0, 0, Op::NorConv1x1) != nullptr);
}

TEST_CASE("Paths without an input-to-output connection give finite logits that ignore the input",
          "[supernet]") {
  torch::manual_seed(1);
  Supernet net(tiny(4, 2));
  const auto x1 = torch::randn({4, 3, 8, 8});
  const auto x2 = torch::randn({4, 3, 8, 8});
  const std::vector<Path> paths = {
      Path::shared(kAllNone), Path::shared(kDisconnected),
      // Only the middle stage's first cell is disconnected.
      Path{{kAllConv, kDeadEdge, kDisconnected, kAllConv, kDeadEdge, kAllConv}}};
  for (bool training : {true, false}) {
    net->train(training);
    for (const auto& path : paths) {
      INFO("training " << training << ", path " << path.to_string());
      const auto y1 = net->forward(x1, path);
      const auto y2 = net->forward(x2, path);
      CHECK(torch::isfinite(y1).all().item<bool>());
      CHECK(rows_equal(y1));
      CHECK(torch::allclose(y1, y2));
    }
  }
  // A connected path does depend on the input.
  net->eval();
  CHECK_FALSE(torch::allclose(net->forward(x1, Path::shared(kAllConv)), net->forward(x2, Path::shared(kAllConv))));
}

TEST_CASE("Only the operations a path computes receive gradients", "[supernet]") {
  torch::manual_seed(2);
  Supernet net(tiny(4, 1));
  const auto x = torch::randn({2, 3, 8, 8});
  const Path path{{kAllConv, kDeadEdge, CellArch::from_code(3 * 625 + 2 * 125 + 4 * 25 + 1 * 5 + 3)}};
  backward_on(net, x, path);

  CHECK(ids(with_gradient(*net)) == ids(net->parameters_on_path(path)));
  for (int c = 0; c < net->num_cells(); ++c) {
    for (int e = 0; e < kNumEdges; ++e) {
      for (Op op : {Op::NorConv1x1, Op::NorConv3x3}) {
        const bool chosen = path.cell(c).ops[e] == op;
        const bool dead = c == 1 && e == 0;
        INFO("cell " << c << " edge " << e << " " << op_name(op));
        for (const auto& p : net->operation(c, e, op)->parameters())
          CHECK(p.grad().defined() == (chosen && !dead));
      }
    }
  }
}

TEST_CASE("An operation fed only by `none` still learns when its BatchNorm is affine", "[supernet]") {
  // Node 1 receives only `none`; e4 (1→3) applies a conv-BN to that zero node.
  const CellArch arch = arch_of(Op::None, Op::None, Op::None, Op::SkipConnect, Op::NorConv3x3, Op::None);
  const auto x = torch::randn({2, 3, 8, 8});
  SECTION("affine BatchNorm: the conv-BN runs on zeros and its BN shift gets a gradient") {
    torch::manual_seed(3);
    Supernet net(tiny(4, 1));
    backward_on(net, x, Path::shared(arch));
    auto* op = dynamic_cast<ReLUConvBNImpl*>(net->operation(0, 4, Op::NorConv3x3));
    REQUIRE(op != nullptr);
    REQUIRE(op->bn->bias.grad().defined());
    CHECK(op->bn->bias.grad().abs().sum().item<double>() > 0.0);
    CHECK(ids(with_gradient(*net)) == ids(net->parameters_on_path(Path::shared(arch))));
  }
  SECTION("BatchNorm without affine parameters maps zero to zero: the operation is skipped") {
    torch::manual_seed(3);
    Supernet net(tiny(4, 1).bn_affine(false));
    backward_on(net, x, Path::shared(arch));
    auto* op = dynamic_cast<ReLUConvBNImpl*>(net->operation(0, 4, Op::NorConv3x3));
    REQUIRE(op != nullptr);
    CHECK_FALSE(op->conv->weight.grad().defined());
    CHECK(ids(with_gradient(*net)) == ids(net->parameters_on_path(Path::shared(arch))));
  }
}

namespace {

// Two SGD steps (momentum 0.9, Nesterov, weight decay 5e-4) on different
// paths. Returns, for every parameter off the second path, whether the
// second step left it bit-identical; `moved` counts changed parameters on it.
std::vector<bool> off_path_unchanged(bool zero_fill_gradients, int* moved) {
  torch::manual_seed(4);
  Supernet net(tiny(4, 1));
  const auto x = torch::randn({4, 3, 8, 8});
  const auto target = torch::randint(0, 10, {4}, torch::kLong);
  auto params = net->parameters();
  torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(5e-4));
  const Path first = Path::shared(kAllConv);
  const Path second{{kDeadEdge, CellArch::from_code(2 * 625 + 4 * 25 + 1 * 5 + 2), kAllConv}};
  auto step = [&](const Path& path) {
    if (zero_fill_gradients) {
      // By hand: Optimizer::zero_grad() sets gradients to undefined from
      // LibTorch 2.0 on, as reset_gradients does.
      torch::NoGradGuard no_grad;
      for (auto& p : params)
        if (p.grad().defined()) p.mutable_grad().zero_();
    } else
      reset_gradients(params);
    torch::nn::functional::cross_entropy(net->forward(x, path), target).backward();
    sgd.step();
  };

  step(first);
  std::vector<at::Tensor> before;
  for (const auto& p : params) before.push_back(p.detach().clone());
  step(second);
  const auto on_second = ids(net->parameters_on_path(second));
  std::vector<bool> unchanged;
  *moved = 0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (on_second.count(params[i].unsafeGetTensorImpl()))
      *moved += !torch::equal(params[i], before[i]);
    else
      unchanged.push_back(torch::equal(params[i], before[i]));
  }
  return unchanged;
}

}  // namespace

TEST_CASE("An SGD step with momentum and weight decay leaves operations off the path bit-identical",
          "[supernet]") {
  int moved = 0;
  const auto unchanged = off_path_unchanged(false, &moved);
  CHECK(unchanged.size() > 10u);
  CHECK(std::all_of(unchanged.begin(), unchanged.end(), [](bool u) { return u; }));
  CHECK(moved > 0);

  // With zero-filled gradients momentum and weight decay do move them: the
  // check above is not vacuous.
  const auto zero_filled = off_path_unchanged(true, &moved);
  CHECK(std::count(zero_filled.begin(), zero_filled.end(), false) > 0);
}

TEST_CASE("Drop-path never drops in evaluation and does drop in training", "[supernet]") {
  torch::manual_seed(5);
  Supernet net(tiny(4, 1).drop_path(0.5));
  const auto x = torch::randn({8, 3, 8, 8});
  const Path path = Path::shared(arch_of(Op::NorConv3x3, Op::SkipConnect, Op::NorConv1x1, Op::SkipConnect,
                                         Op::AvgPool3x3, Op::NorConv3x3));
  net->eval();
  const auto eval_a = net->forward(x, path);
  const auto eval_b = net->forward(x, path);
  net->set_drop_path(0.0);
  const auto eval_no_drop = net->forward(x, path);
  CHECK(torch::equal(eval_a, eval_b));
  CHECK(torch::equal(eval_a, eval_no_drop));

  net->train();
  const auto train_no_drop = net->forward(x, path);
  CHECK(torch::equal(train_no_drop, net->forward(x, path)));
  net->set_drop_path(0.5);
  const auto train_a = net->forward(x, path);
  const auto train_b = net->forward(x, path);
  CHECK_FALSE(torch::allclose(train_a, train_no_drop));
  CHECK_FALSE(torch::allclose(train_a, train_b));
  CHECK_THROWS_AS(net->set_drop_path(1.0), std::invalid_argument);
}

TEST_CASE("A single-architecture super-network computes what the full super-network computes on that path",
          "[supernet]") {
  NetworkSetup setup;
  setup.channels = 4;
  setup.cells_per_stage = 2;
  const auto x = torch::randn({4, 3, 16, 16});
  for (const CellArch& arch : {kAllConv, kDeadEdge, kDisconnected, CellArch::from_code(9876)}) {
    INFO(arch.to_string());
    torch::manual_seed(6);
    Supernet full(SupernetOptions(setup, SearchSpace()));
    Supernet single = make_stand_alone(arch, setup);
    CHECK(count_parameters(*single) < count_parameters(*full));
    {
      torch::NoGradGuard no_grad;
      const auto source = full->named_parameters();
      for (auto& item : single->named_parameters()) {
        REQUIRE(source.find(item.key()) != nullptr);
        item.value().copy_(source[item.key()]);
      }
    }
    for (bool training : {true, false}) {
      full->train(training);
      single->train(training);
      CHECK(torch::allclose(full->forward(x, Path::shared(arch)), single->forward(x, Path::shared(arch)), 1e-5,
                            1e-6));
    }
  }
}

namespace {

// A learnable stand-in for skip_connect (the "Linear Transformers" idea).
class PointwiseConvImpl : public CandidateOp {
 public:
  explicit PointwiseConvImpl(int channels)
      : conv(register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1).bias(false)))) {}
  at::Tensor forward(const at::Tensor& x) override { return conv->forward(x); }
  bool maps_zero_to_zero() const override { return true; }
  torch::nn::Conv2d conv;
};

class NotAnOperation : public torch::nn::Module {};

}  // namespace

TEST_CASE("An operation factory replaces skip_connect and its module learns when skip_connect is on the path",
          "[supernet]") {
  torch::manual_seed(7);
  std::vector<OperationSpec> asked;
  OperationFactory factory = [&asked](const OperationSpec& spec) -> std::shared_ptr<CandidateOp> {
    asked.push_back(spec);
    if (spec.op != Op::SkipConnect) return nullptr;
    return std::make_shared<PointwiseConvImpl>(spec.in_channels);
  };
  Supernet net(tiny(4, 1).operation_factory(factory));
  Supernet plain(tiny(4, 1));
  CHECK(asked.size() == 3u * kNumEdges * 4u);  // every candidate but `none`
  CHECK(count_parameters(*net) - count_parameters(*plain) == 6 * (16 + 64 + 256));
  auto* pointwise = dynamic_cast<PointwiseConvImpl*>(net->operation(2, 5, Op::SkipConnect));
  REQUIRE(pointwise != nullptr);
  CHECK(pointwise->conv->weight.size(0) == 16);
  CHECK(dynamic_cast<ReLUConvBNImpl*>(net->operation(2, 5, Op::NorConv3x3)) != nullptr);

  const Path path = Path::shared(arch_of(Op::SkipConnect, Op::None, Op::NorConv3x3, Op::None, Op::None, Op::SkipConnect));
  backward_on(net, torch::randn({2, 3, 8, 8}), path);
  CHECK(pointwise->conv->weight.grad().defined());
  CHECK(dynamic_cast<PointwiseConvImpl*>(net->operation(0, 0, Op::SkipConnect))->conv->weight.grad().defined());
  CHECK_FALSE(dynamic_cast<PointwiseConvImpl*>(net->operation(0, 1, Op::SkipConnect))->conv->weight.grad().defined());

  // A factory returning a module that is no CandidateOp does not compile.
  using WrongFactory = std::shared_ptr<NotAnOperation> (*)(const OperationSpec&);
  STATIC_REQUIRE_FALSE(std::is_constructible_v<OperationFactory, WrongFactory>);
  STATIC_REQUIRE(std::is_constructible_v<OperationFactory, std::shared_ptr<PointwiseConvImpl> (*)(const OperationSpec&)>);
}

TEST_CASE("copy_weights_from makes two super-networks compute the same function", "[supernet]") {
  torch::manual_seed(8);
  Supernet a(tiny(4, 1));
  Supernet b(tiny(4, 1));
  const auto x = torch::randn({4, 3, 8, 8});
  const Path path = Path::shared(kAllConv);
  a->train();
  a->forward(x, path);  // moves a's running statistics away from their initial values
  a->eval();
  b->eval();
  CHECK_FALSE(torch::allclose(a->forward(x, path), b->forward(x, path)));

  b->copy_weights_from(*a);
  CHECK(torch::equal(a->forward(x, path), b->forward(x, path)));
  const auto pa = a->named_parameters();
  for (const auto& item : b->named_parameters()) CHECK(torch::equal(item.value(), pa[item.key()]));
  const auto ba = a->named_buffers();
  for (const auto& item : b->named_buffers()) CHECK(torch::equal(item.value(), ba[item.key()]));

  SECTION("a network of another structure is refused") {
    Supernet wider(tiny(8, 1));
    Supernet fewer_ops(tiny(4, 1).space(SearchSpace(OpSet::all().without(Op::NorConv1x1))));
    CHECK_THROWS_AS(b->copy_weights_from(*wider), std::invalid_argument);
    CHECK_THROWS_AS(b->copy_weights_from(*fewer_ops), std::invalid_argument);
    CHECK_THROWS_AS(fewer_ops->copy_weights_from(*a), std::invalid_argument);
    CHECK(torch::equal(a->forward(x, path), b->forward(x, path)));
  }
  SECTION("a child network with fewer operations can be warm-started from its parent") {
    Supernet child(tiny(4, 1).space(SearchSpace().with_edge_fixed(2, Op::NorConv3x3)));
    child->copy_weights_from(*a, WeightCopy::Subset);
    child->eval();
    CHECK(torch::equal(a->forward(x, path), child->forward(x, path)));
  }
}

TEST_CASE("avg_pool_3x3 averages each 3x3 window over the pixels inside the image", "[supernet]") {
  torch::manual_seed(10);
  AvgPool3x3 pool;
  for (auto format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
    for (auto shape : {std::vector<std::int64_t>{2, 4, 8, 8}, std::vector<std::int64_t>{3, 8, 5, 7}}) {
      const auto x = torch::randn(shape).contiguous(format).requires_grad_();
      const auto reference_x = x.detach().clone().requires_grad_();
      const auto y = pool->forward(x);
      const auto reference = torch::avg_pool2d(reference_x, 3, 1, 1, false, /*count_include_pad=*/false);
      CHECK(torch::allclose(y, reference, 1e-5, 1e-6));
      const auto upstream = torch::randn_like(reference);
      y.backward(upstream);
      reference.backward(upstream);
      CHECK(torch::allclose(x.grad(), reference_x.grad(), 1e-5, 1e-6));
    }
  }
  // The corner of a ones-image with one bright pixel next to it: (1+1+1+10)/4.
  auto img = torch::ones({1, 1, 4, 4});
  img[0][0][1][1] = 10.0;
  CHECK(pool->forward(img)[0][0][0][0].item<float>() == Approx(13.0f / 4.0f));
}

TEST_CASE("The reduction block adds a pooled 1x1 shortcut to two conv-BNs", "[supernet]") {
  torch::manual_seed(11);
  ResNetReduction block(4, 8);
  const auto x = torch::randn({2, 4, 8, 8}).requires_grad_();
  const auto reference_x = x.detach().clone().requires_grad_();
  const auto y = block->forward(x);
  const auto reference = block->conv_b->forward(block->conv_a->forward(reference_x)) +
                         block->shortcut->forward(torch::avg_pool2d(reference_x, 2, 2));
  CHECK(y.sizes() == at::IntArrayRef({2, 8, 4, 4}));
  CHECK(torch::allclose(y, reference, 1e-5, 1e-6));
  y.sum().backward();
  reference.sum().backward();
  CHECK(torch::allclose(x.grad(), reference_x.grad(), 1e-5, 1e-6));
}

TEST_CASE("A channels-last input gives the same logits as a contiguous one", "[supernet]") {
  torch::manual_seed(9);
  Supernet net(tiny(8, 1));
  const auto x = torch::randn({4, 3, 16, 16});
  const auto x_cl = x.contiguous(at::MemoryFormat::ChannelsLast);
  REQUIRE(x_cl.is_contiguous(at::MemoryFormat::ChannelsLast));
  const Path path{{kAllConv, CellArch::from_code(4321), kDeadEdge}};
  for (bool training : {true, false}) {
    net->train(training);
    CHECK(torch::allclose(net->forward(x, path), net->forward(x_cl, path), 1e-4, 1e-5));
    CHECK(torch::allclose(net->forward(x, Path::shared(kDisconnected)),
                          net->forward(x_cl, Path::shared(kDisconnected)), 1e-4, 1e-5));
  }
}
