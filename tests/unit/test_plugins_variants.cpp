// The training variants: what each one does to the setup, a batch, a loss,
// the gradients, the learning rate or the weights, checked against the
// formula it implements; and the options each one refuses.
// LibTorch first: its glog CHECK macro must not replace Catch's.
#include <torch/torch.h>
#include "catch.hpp"

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "spbench/sdk/state_archive.hpp"
#include <spbench/engine/model/supernet.hpp>
#include <spbench/sdk/option_parsing.hpp>
#include <spbench/engine/plugins/plugin_registry.hpp>

#include "tiny_training.hpp"

using namespace spbench;

namespace {

PluginRegistry& registry() {
  static PluginRegistry r;
  return r;
}

Options options_of(const std::string& name, const std::map<std::string, std::string>& values) {
  return test::plugin_options(registry(), PluginKind::Variant, name, values);
}

std::shared_ptr<TrainingVariant> make(const std::string& name, const std::map<std::string, std::string>& values = {}) {
  return registry().make_variant(name, options_of(name, values));
}

// The option an invalid construction names; "" when it was accepted.
std::string refused_option(const std::string& name, const Options& options) {
  try {
    registry().make_variant(name, options);
  } catch (const OptionError& e) {
    // The message names the option too, so it reads well on its own.
    CHECK(std::string(e.what()).find(e.option()) != std::string::npos);
    return e.option();
  }
  return "";
}

std::string refused_option(const std::string& name, const std::map<std::string, std::string>& values) {
  return refused_option(name, options_of(name, values));
}

RunSetup configured(const std::string& name, const std::map<std::string, std::string>& values = {}) {
  RunSetup setup;
  make(name, values)->configure(setup);
  return setup;
}

TrainingContext context_with(Rng& rng) {
  TrainingContext ctx;
  ctx.rng = &rng;
  return ctx;
}

double global_norm(const std::vector<at::Tensor>& params) {
  double sum = 0.0;
  for (const auto& p : params)
    if (p.grad().defined()) sum += p.grad().to(torch::kDouble).square().sum().item<double>();
  return std::sqrt(sum);
}

// A network with a parameter-free integer buffer too (BN's counter), for EMA.
struct TinyNetImpl : torch::nn::Module {
  TinyNetImpl()
      : fc(register_module("fc", torch::nn::Linear(3, 2))), bn(register_module("bn", torch::nn::BatchNorm1d(2))) {}
  torch::nn::Linear fc;
  torch::nn::BatchNorm1d bn;
};
TORCH_MODULE(TinyNet);

std::map<std::string, at::Tensor> snapshot(torch::nn::Module& m) {
  std::map<std::string, at::Tensor> out;
  for (const auto& p : m.named_parameters()) out[p.key()] = p.value().detach().clone();
  for (const auto& b : m.named_buffers()) out[b.key()] = b.value().detach().clone();
  return out;
}

void perturb(torch::nn::Module& m, double by) {
  torch::NoGradGuard no_grad;
  for (auto& p : m.parameters()) p.add_(torch::randn_like(p) * by);
  for (auto& b : m.named_buffers())
    if (b.value().is_floating_point()) b.value().add_(torch::rand_like(b.value()) * by);
    else b.value().add_(1);
}

bool same_weights(torch::nn::Module& m, const std::map<std::string, at::Tensor>& expected, double tol = 0.0) {
  const auto now = snapshot(m);
  for (const auto& [name, value] : expected) {
    const auto& v = now.at(name);
    if (tol == 0.0 ? !torch::equal(v, value) : !torch::allclose(v, value, tol, tol)) return false;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------- label smoothing

TEST_CASE("Label smoothing turns the loss into the cross entropy with the smoothed targets, by hand") {
  // Three classes with probabilities 1/7, 2/7, 4/7 and the label on the last:
  // CE = ln(7/4); the mean of -log p over the classes is ln 7 - ln 2.
  const auto logits = torch::tensor({0.0, std::log(2.0), std::log(4.0)}, torch::kFloat).view({1, 3});
  Batch batch;
  batch.labels = torch::tensor({2}, torch::kLong);
  Rng rng(0);
  auto ctx = context_with(rng);
  const auto ce = -torch::log_softmax(logits, 1).select(1, 2).mean();
  REQUIRE(ce.item<double>() == Approx(std::log(7.0 / 4.0)).epsilon(1e-6));
  const double eps = 0.3;
  const double by_hand = (1 - eps) * std::log(7.0 / 4.0) + eps * (std::log(7.0) - std::log(2.0));
  const auto smoothed = make("label-smoothing", {{"epsilon", "0.3"}})->loss(ce, logits, batch, ctx);
  CHECK(smoothed.item<double>() == Approx(by_hand).epsilon(1e-6));
  // Epsilon 0 changes nothing.
  CHECK(make("label-smoothing", {{"epsilon", "0"}})->loss(ce, logits, batch, ctx).item<double>() ==
        Approx(ce.item<double>()).epsilon(1e-7));
}

TEST_CASE("Label smoothing equals the soft-target cross entropy on a fixed batch, for hard and mixed targets") {
  torch::manual_seed(11);
  const std::int64_t n = 16, k = 10;
  const auto logits = torch::randn({n, k}) * 3;
  Batch batch;
  batch.labels = torch::randint(0, k, {n}, torch::kLong);
  Rng rng(0);
  auto ctx = context_with(rng);
  const auto log_p = torch::log_softmax(logits, 1);
  const double eps = 0.1;
  auto smooth = make("label-smoothing");  // default epsilon 0.1
  SECTION("hard labels") {
    const auto hard = torch::one_hot(batch.labels, k).to(torch::kFloat);
    const auto ce = -(hard * log_p).sum(1).mean();
    const auto targets = hard * (1 - eps) + eps / k;
    const double expected = (-(targets * log_p).sum(1).mean()).item<double>();
    const double got = smooth->loss(ce, logits, batch, ctx).item<double>();
    CHECK(got == Approx(expected).epsilon(1e-6));
    CHECK(got != Approx(ce.item<double>()).epsilon(1e-3));  // it did change the loss
  }
  SECTION("soft targets (after mixup)") {
    batch.soft_targets = torch::softmax(torch::randn({n, k}), 1);
    const auto ce = -(batch.soft_targets * log_p).sum(1).mean();
    const auto targets = batch.soft_targets * (1 - eps) + eps / k;
    CHECK(smooth->loss(ce, logits, batch, ctx).item<double>() ==
          Approx((-(targets * log_p).sum(1).mean()).item<double>()).epsilon(1e-6));
  }
}

// ------------------------------------------------ setup-changing variants

TEST_CASE("Dropout, drop-path, bn, weight-decay and no-topology-sharing set their RunSetup fields") {
  const RunSetup defaults;
  CHECK(configured("dropout", {{"p", "0.3"}}).network.dropout == 0.3);
  CHECK(configured("drop-path", {{"p", "0.25"}}).network.drop_path == 0.25);
  const RunSetup bn = configured("bn", {{"affine", "false"}, {"track_running_stats", "false"}});
  CHECK_FALSE(bn.network.bn_affine);
  CHECK_FALSE(bn.network.bn_track_running_stats);
  CHECK(configured("bn").network.bn_affine);
  CHECK(configured("bn").network.bn_track_running_stats);
  const RunSetup wd = configured("weight-decay", {{"value", "0.003"}, {"exclude_bn_and_bias", "true"}});
  CHECK(wd.optimizer.weight_decay == 0.003);
  CHECK_FALSE(wd.optimizer.weight_decay_on_bn_and_bias);
  CHECK(configured("weight-decay", {{"value", "0"}}).optimizer.weight_decay == 0.0);
  CHECK(configured("weight-decay").optimizer.weight_decay_on_bn_and_bias);
  CHECK_FALSE(configured("no-topology-sharing").topology_sharing);
  CHECK(configured("no-topology-sharing", {{"enabled", "false"}}).topology_sharing);
  // Nothing else moves.
  const RunSetup dp = configured("dropout", {{"p", "0.3"}});
  CHECK(dp.network.drop_path == defaults.network.drop_path);
  CHECK(dp.optimizer.weight_decay == defaults.optimizer.weight_decay);
  CHECK(dp.topology_sharing);
}

TEST_CASE("Drop-path set by the variant drops in training and never in evaluation") {
  RunSetup setup;
  setup.network.channels = 4;
  setup.network.cells_per_stage = 1;
  make("drop-path", {{"p", "0.5"}})->configure(setup);
  RunSetup plain_setup = setup;
  plain_setup.network.drop_path = 0.0;
  torch::manual_seed(2);
  model::Supernet net(model::SupernetOptions(setup.network, setup.space));
  model::Supernet plain(model::SupernetOptions(plain_setup.network, plain_setup.space));
  plain->copy_weights_from(*net);
  const auto x = torch::randn({8, 3, 8, 8});
  const Path path = Path::shared(CellArch{{Op::NorConv3x3, Op::SkipConnect, Op::NorConv1x1, Op::SkipConnect,
                                           Op::AvgPool3x3, Op::NorConv3x3}});
  net->eval();
  plain->eval();
  const auto reference = plain->forward(x, path);
  for (int i = 0; i < 5; ++i) CHECK(torch::equal(net->forward(x, path), reference));
  net->train();
  CHECK_FALSE(torch::allclose(net->forward(x, path), net->forward(x, path)));
}

// ------------------------------------------------------------------ cutout

TEST_CASE("Cutout zeroes one square of the stated side per image, clipped at the border, the same for a seed") {
  const std::int64_t length = GENERATE(as<std::int64_t>{}, 5, 8);
  INFO("length " << length);
  auto cutout = make("cutout", {{"length", std::to_string(length)}});
  const std::int64_t n = 64, side = 20;
  Batch batch;
  batch.images = torch::ones({n, 3, side, side});
  Rng rng(42);
  auto ctx = context_with(rng);
  cutout->transform_batch(batch, ctx);
  int interior = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto img = batch.images[i];
    // Every channel is cut alike, and only to 0 (the mean after normalisation) or left alone.
    CHECK(torch::equal(img[0], img[1]));
    CHECK(torch::equal(img[0], img[2]));
    const auto zero = img[0].eq(0);
    CHECK(torch::logical_or(zero, img[0].eq(1)).all().item<bool>());
    const auto rows = torch::nonzero(zero.any(1)).flatten(), cols = torch::nonzero(zero.any(0)).flatten();
    REQUIRE(rows.numel() > 0);
    const std::int64_t y0 = rows.min().item<std::int64_t>(), y1 = rows.max().item<std::int64_t>() + 1;
    const std::int64_t x0 = cols.min().item<std::int64_t>(), x1 = cols.max().item<std::int64_t>() + 1;
    // The zeros fill their bounding rectangle: one patch.
    CHECK(zero.sum().item<std::int64_t>() == (y1 - y0) * (x1 - x0));
    CHECK(y1 - y0 <= length);
    CHECK(x1 - x0 <= length);
    // Away from the border the patch has exactly the stated side.
    if (y0 > 0 && y1 < side) CHECK(y1 - y0 == length);
    if (x0 > 0 && x1 < side) CHECK(x1 - x0 == length);
    if (y0 > 0 && y1 < side && x0 > 0 && x1 < side) ++interior;
  }
  CHECK(interior >= 8);  // the exact-size checks above were exercised

  Batch again;
  again.images = torch::ones({n, 3, side, side});
  Rng same(42);
  auto ctx_same = context_with(same);
  cutout->transform_batch(again, ctx_same);
  CHECK(torch::equal(again.images, batch.images));
  Batch other;
  other.images = torch::ones({n, 3, side, side});
  Rng different(43);
  auto ctx_other = context_with(different);
  cutout->transform_batch(other, ctx_other);
  CHECK_FALSE(torch::equal(other.images, batch.images));
}

TEST_CASE("Cutout with several holes zeroes at most holes × length² pixels per image") {
  auto cutout = make("cutout", {{"length", "4"}, {"holes", "3"}});
  Batch batch;
  batch.images = torch::ones({32, 1, 32, 32});
  Rng rng(1);
  auto ctx = context_with(rng);
  cutout->transform_batch(batch, ctx);
  const auto zeros = batch.images.eq(0).sum({1, 2, 3});
  CHECK(zeros.le(3 * 16).all().item<bool>());
  CHECK(zeros.gt(16).any().item<bool>());  // more than one patch somewhere
}

// ------------------------------------------------------------------- mixup

TEST_CASE("Mixup blends images and targets with one weight and a permutation; soft targets sum to 1") {
  torch::manual_seed(3);
  const std::int64_t n = 10, k = 10;
  auto mixup = make("mixup", {{"alpha", "0.4"}});
  RunSetup setup;
  mixup->configure(setup);
  Batch batch;
  batch.images = torch::randn({n, 3, 4, 4});
  batch.labels = torch::arange(n, torch::kLong);  // distinct labels expose the permutation
  const auto images = batch.images.clone();
  Rng rng(9);
  auto ctx = context_with(rng);
  mixup->transform_batch(batch, ctx);
  REQUIRE(batch.soft_targets.defined());
  REQUIRE(batch.soft_targets.size(0) == n);
  REQUIRE(batch.soft_targets.size(1) == k);
  CHECK(torch::allclose(batch.soft_targets.sum(1), torch::ones({n}), 1e-6, 1e-6));
  CHECK(batch.soft_targets.ge(0).all().item<bool>());
  CHECK(torch::equal(batch.labels, torch::arange(n, torch::kLong)));  // labels kept for accuracy

  // Row i is λ·e_i + (1-λ)·e_π(i): read λ off a row whose partner is another image.
  double lambda = -1.0;
  std::vector<std::int64_t> partner(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const auto row = batch.soft_targets[i];
    const double own = row[i].item<double>();
    auto others = row.clone();
    others[i] = 0;
    const std::int64_t j = others.argmax().item<std::int64_t>();
    partner[static_cast<std::size_t>(i)] = others[j].item<double>() > 0 ? j : i;
    if (partner[static_cast<std::size_t>(i)] != i) {
      if (lambda < 0) lambda = own;
      CHECK(own == Approx(lambda).margin(1e-6));
      CHECK(others[j].item<double>() == Approx(1 - lambda).margin(1e-6));
      CHECK(others.gt(0).sum().item<std::int64_t>() == 1);
    }
  }
  REQUIRE(lambda > 0.0);
  REQUIRE(lambda < 1.0);
  std::vector<std::int64_t> sorted = partner;
  std::sort(sorted.begin(), sorted.end());
  for (std::int64_t i = 0; i < n; ++i) CHECK(sorted[static_cast<std::size_t>(i)] == i);  // a permutation
  for (std::int64_t i = 0; i < n; ++i) {
    const auto expected = images[i] * lambda + images[partner[static_cast<std::size_t>(i)]] * (1 - lambda);
    CHECK(torch::allclose(batch.images[i], expected, 1e-5, 1e-6));
  }

  // Mixing an already mixed batch keeps distributions; the class count follows the setup.
  mixup->transform_batch(batch, ctx);
  CHECK(torch::allclose(batch.soft_targets.sum(1), torch::ones({n}), 1e-5, 1e-6));
  auto mixup100 = make("mixup");
  RunSetup hundred;
  hundred.network.num_classes = 100;
  mixup100->configure(hundred);
  Batch b100;
  b100.images = torch::randn({4, 3, 4, 4});
  b100.labels = torch::tensor({0, 99, 50, 7}, torch::kLong);
  mixup100->transform_batch(b100, ctx);
  CHECK(b100.soft_targets.size(1) == 100);
}

// --------------------------------------------------------------- grad-clip

TEST_CASE("Gradient clipping by norm bounds the global norm and keeps the direction") {
  torch::manual_seed(4);
  std::vector<at::Tensor> params{torch::zeros({3, 4}, torch::requires_grad()), torch::zeros({5}, torch::requires_grad()),
                                 torch::zeros({2}, torch::requires_grad())};
  params[0].mutable_grad() = torch::randn({3, 4}) * 10;
  params[1].mutable_grad() = torch::randn({5}) * 10;  // params[2] has no gradient: skipped
  const auto g0 = params[0].grad().clone(), g1 = params[1].grad().clone();
  const double before = global_norm(params);
  REQUIRE(before > 2.0);
  TrainingContext ctx;
  ctx.parameters = &params;
  make("grad-clip", {{"max_norm", "2"}})->before_optimizer_step(ctx);
  const double after = global_norm(params);
  CHECK(after <= 2.0 * (1 + 1e-6));  // float rounding of the rescaled values
  CHECK(after == Approx(2.0).epsilon(1e-5));
  const double scale = after / before;
  CHECK(torch::allclose(params[0].grad(), g0 * scale, 1e-5, 1e-6));
  CHECK(torch::allclose(params[1].grad(), g1 * scale, 1e-5, 1e-6));
  CHECK_FALSE(params[2].grad().defined());

  // Below the bound nothing changes.
  const auto small0 = params[0].grad().clone();
  make("grad-clip", {{"max_norm", "100"}})->before_optimizer_step(ctx);
  CHECK(torch::equal(params[0].grad(), small0));
}

TEST_CASE("Gradient clipping by value clamps each gradient value and leaves smaller ones alone") {
  std::vector<at::Tensor> params{torch::zeros({6}, torch::requires_grad())};
  params[0].mutable_grad() = torch::tensor({-3.0, -0.5, 0.0, 0.2, 0.5, 7.0});
  TrainingContext ctx;
  ctx.parameters = &params;
  make("grad-clip", {{"max_norm", "0.5"}, {"mode", "value"}})->before_optimizer_step(ctx);
  CHECK(torch::equal(params[0].grad(), torch::tensor({-0.5, -0.5, 0.0, 0.2, 0.5, 0.5})));
}

// --------------------------------------------------------------- lr-warmup

TEST_CASE("Warm-up ramps the learning rate linearly from start_factor·lr to lr over the stated steps") {
  auto warmup = make("lr-warmup", {{"epochs", "2"}, {"start_factor", "0.1"}});
  TrainingContext ctx;
  ctx.steps_per_epoch = 5;  // 10 warm-up steps
  const double lr = 0.4;
  std::vector<double> rates;
  for (std::int64_t step = 0; step < 14; ++step) {
    ctx.step = step;
    rates.push_back(warmup->learning_rate(lr, ctx));
  }
  CHECK(rates[0] == Approx(0.1 * lr));
  for (std::int64_t step = 0; step < 10; ++step) {
    INFO("step " << step);
    CHECK(rates[static_cast<std::size_t>(step)] == Approx(lr * (0.1 + 0.9 * static_cast<double>(step) / 10.0)));
    CHECK(rates[static_cast<std::size_t>(step)] < lr);
  }
  for (std::size_t step = 10; step < rates.size(); ++step) CHECK(rates[step] == lr);
  // It multiplies whatever schedule it is given.
  ctx.step = 5;
  CHECK(warmup->learning_rate(0.2, ctx) == Approx(0.2 * (0.1 + 0.9 * 0.5)));
  // Fractions of an epoch: 0.5 × 4 = 2 steps.
  auto half = make("lr-warmup", {{"epochs", "0.5"}, {"start_factor", "0"}});
  ctx.steps_per_epoch = 4;
  ctx.step = 0;
  CHECK(half->learning_rate(1.0, ctx) == 0.0);
  ctx.step = 1;
  CHECK(half->learning_rate(1.0, ctx) == Approx(0.5));
  ctx.step = 2;
  CHECK(half->learning_rate(1.0, ctx) == 1.0);
}

// --------------------------------------------------------------------- ema

TEST_CASE("EMA keeps shadow = d·shadow + (1-d)·weights and swaps it in for evaluation only") {
  torch::manual_seed(5);
  const double d = 0.75;
  auto ema = make("ema", {{"decay", "0.75"}});
  TinyNet net;
  TrainingContext ctx;
  ctx.model = net.ptr().get();
  ctx.network = 0;

  ema->after_optimizer_step(ctx);  // the first step starts the average at the weights
  auto shadow = snapshot(*net);
  for (int step = 0; step < 3; ++step) {
    perturb(*net, 0.5);
    ema->after_optimizer_step(ctx);
    const auto now = snapshot(*net);
    for (auto& [name, value] : shadow)
      value = value.is_floating_point() ? value * d + now.at(name) * (1 - d) : now.at(name).clone();
  }
  const auto trained = snapshot(*net);
  EvaluationContext ectx{0, net.ptr().get()};
  ema->before_evaluation(ectx);
  CHECK(same_weights(*net, shadow, 1e-6));
  CHECK_FALSE(same_weights(*net, trained));
  ema->after_evaluation(ectx);
  CHECK(same_weights(*net, trained));  // restored bit for bit

  // A network it never saw a step of is evaluated as it is.
  TinyNet other;
  const auto other_weights = snapshot(*other);
  EvaluationContext octx{1, other.ptr().get()};
  ema->before_evaluation(octx);
  CHECK(same_weights(*other, other_weights));
  ema->after_evaluation(octx);
  CHECK(same_weights(*other, other_weights));
}

TEST_CASE("EMA's averages survive a save and load round trip exactly") {
  torch::manual_seed(6);
  auto ema = make("ema", {{"decay", "0.9"}});
  TinyNet a, b;
  for (auto* net : {&a, &b}) {
    TrainingContext ctx;
    ctx.model = net->ptr().get();
    ctx.network = net == &a ? 0 : 3;
    for (int step = 0; step < 3; ++step) {
      perturb(**net, 0.3);
      ema->after_optimizer_step(ctx);
    }
  }
  std::stringstream stream;
  {
    torch::serialize::OutputArchive archive;
    ema->save_state(archive);
    archive.save_to(stream);
  }
  auto restored = make("ema", {{"decay", "0.9"}});
  {
    torch::serialize::InputArchive archive;
    archive.load_from(stream);
    restored->load_state(archive);
  }
  for (auto [net, network] : {std::pair{&a, 0}, std::pair{&b, 3}}) {
    EvaluationContext ectx{network, net->ptr().get()};
    ema->before_evaluation(ectx);
    const auto expected = snapshot(**net);
    ema->after_evaluation(ectx);
    restored->before_evaluation(ectx);
    CHECK(same_weights(**net, expected));
    restored->after_evaluation(ectx);
  }
}

TEST_CASE("StateWriter and StateReader round-trip every kind of value, in the archive layout EMA always wrote") {
  std::map<std::string, at::Tensor> named = {{"conv.weight", at::arange(6, at::kFloat).reshape({2, 3})},
                                             {"bn.running_mean", at::ones({4})}};
  std::stringstream stream;
  {
    torch::serialize::OutputArchive archive;
    StateWriter(archive)
        .tensors("n0", named)
        .text("label", "pool\nnone")
        .integers("counts", {3, 0, 7})
        .number("temperature", 0.25)
        .tensor("raw", at::full({2}, 5.0));
    archive.save_to(stream);
  }
  torch::serialize::InputArchive archive;
  archive.load_from(stream);
  StateReader state(archive);
  const auto back = state.tensors("n0");
  REQUIRE(back.size() == 2);
  for (const auto& [name, value] : named) CHECK(at::equal(back.at(name), value));
  CHECK(state.text("label") == "pool\nnone");
  CHECK(state.integers("counts") == std::vector<std::int64_t>{3, 0, 7});
  CHECK(state.number("temperature") == 0.25);
  CHECK(at::equal(state.tensor("raw"), at::full({2}, 5.0)));
  // The layout of a named set, as EMA's checkpoints before StateWriter hold
  // it: names in map order, each followed by a newline, values by position.
  CHECK(state.text("n0_names") == "bn.running_mean\nconv.weight\n");
  CHECK(at::equal(state.tensor("n0_v1"), named.at("conv.weight")));
  CHECK(state.has("counts"));
  CHECK_FALSE(state.has("missing"));
  CHECK_THROWS_WITH(state.integers("missing"), Catch::Contains("'missing'"));
}

// ------------------------------------------------------------ option errors

TEST_CASE("Every variant refuses invalid option values with an OptionError naming the option") {
  CHECK(refused_option("label-smoothing", {{"epsilon", "1"}}) == "epsilon");
  CHECK(refused_option("label-smoothing", {{"epsilon", "-0.1"}}) == "epsilon");
  CHECK(refused_option("dropout", {{"p", "1"}}) == "p");
  CHECK(refused_option("dropout", {{"p", "-0.5"}}) == "p");
  CHECK(refused_option("drop-path", {{"p", "1.0"}}) == "p");
  CHECK(refused_option("weight-decay", {{"value", "-1e-4"}}) == "value");
  CHECK(refused_option("cutout", {{"length", "0"}}) == "length");
  CHECK(refused_option("cutout", {{"holes", "0"}}) == "holes");
  CHECK(refused_option("mixup", {{"alpha", "0"}}) == "alpha");
  CHECK(refused_option("grad-clip", {{"max_norm", "0"}}) == "max_norm");
  CHECK(refused_option("lr-warmup", {{"epochs", "0"}}) == "epochs");
  CHECK(refused_option("lr-warmup", {{"start_factor", "1.5"}}) == "start_factor");
  CHECK(refused_option("ema", {{"decay", "1"}}) == "decay");
  CHECK(refused_option("ema", {{"decay", "-0.1"}}) == "decay");
  // A value outside an option's choices is refused by the plugin too, not
  // only by the spec validator (options can be built without a spec).
  Options bad_mode = options_of("grad-clip", {});
  bad_mode.set("mode", std::string("nrom"));
  CHECK(refused_option("grad-clip", bad_mode) == "mode");
  // The defaults are all accepted.
  for (const auto* info : registry().list(PluginKind::Variant)) {
    INFO(info->name);
    CHECK(refused_option(info->name, info->default_options()).empty());
  }
}
