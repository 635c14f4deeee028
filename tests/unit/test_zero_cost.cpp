// Zero-cost proxies (synflow, snip, grad_norm, jacob_cov, naswot): each
// definition on a network small enough to check by hand, and the cache of
// NAS-Bench-201 stand-alone scores.
#include <torch/torch.h>
#include "catch.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "spbench/engine/model/relu_observer.hpp"
#include "spbench/engine/model/supernet.hpp"
#include "spbench/study/ground_truth/zero_cost.hpp"
#include "test_paths.hpp"
#include "tiny_training.hpp"

using namespace spbench;
using namespace spbench::ground_truth;
using Catch::Matchers::WithinRel;

namespace {

torch::nn::Sequential linear_chain(const std::vector<std::vector<double>>& w1, const std::vector<std::vector<double>>& w2) {
  torch::nn::Sequential net(torch::nn::Linear(torch::nn::LinearOptions(3, 2).bias(false)),
                            torch::nn::Linear(torch::nn::LinearOptions(2, 1).bias(false)));
  torch::NoGradGuard no_grad;
  auto params = net->parameters();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) params[0][i][j] = w1[i][j];
  for (int i = 0; i < 2; ++i) params[1][0][i] = w2[0][i];
  return net;
}

ZeroCostConfig tiny_config() {
  ZeroCostConfig c;
  c.network.channels = 4;
  c.network.cells_per_stage = 1;
  c.batch_size = 16;
  c.naswot_batch_size = 24;
  c.seed = 3;
  c.data = "synthetic 8x8";
  return c;
}

const CellArch kConv = CellArch::parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
const CellArch kAllConv =
    CellArch::parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
const CellArch kNoPath = CellArch::parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|");

}  // namespace

TEST_CASE("synflow of a linear chain is the number of layers times the sum over paths of the product of absolute weights",
          "[zero_cost]") {
  // |W1| = [[1,2,3],[0.5,1,1]], |W2| = [[2,1]]: R = 2*(1+2+3) + 1*(0.5+1+1) = 14.5
  // on an all-ones input; each layer's sum of |w * dR/dw| is R again, so 2R.
  auto net = linear_chain({{1, -2, 3}, {0.5, 1, -1}}, {{2, -1}});
  proxies::linearise(*net);
  const auto weights = proxies::layer_weights(*net);
  REQUIRE(weights.size() == 2);
  CHECK(weights[0].scalar_type() == at::kDouble);
  const double s = proxies::synflow([&](const at::Tensor& x) { return net->forward(x); }, weights, {1, 3});
  CHECK_THAT(s, WithinRel(29.0, 1e-12));
}

TEST_CASE("Linearising for synflow makes batch normalisation an exact identity", "[zero_cost]") {
  torch::nn::Sequential net(torch::nn::BatchNorm2d(2));
  at::Tensor x = at::randn({3, 2, 4, 4}, at::kDouble);
  proxies::linearise(*net);
  CHECK(at::equal(net->forward(x), x));
}

TEST_CASE("snip sums |w * dL/dw| and grad_norm the layers' gradient norms of the cross-entropy loss", "[zero_cost]") {
  auto net = linear_chain({{1, -2, 3}, {0.5, 1, -1}}, {{2, -1}});
  // One layer only: z = W1 x, L = CE(z, y); dL/dW1 = (softmax(z) - onehot(y)) x^T.
  torch::nn::Sequential one(torch::nn::Linear(torch::nn::LinearOptions(3, 2).bias(false)));
  {
    torch::NoGradGuard no_grad;
    one->parameters()[0].copy_(net->parameters()[0]);
  }
  const std::vector<double> x = {0.5, -1.0, 2.0};
  const int y = 1;
  const double w[2][3] = {{1, -2, 3}, {0.5, 1, -1}};
  double z[2];
  for (int i = 0; i < 2; ++i) z[i] = w[i][0] * x[0] + w[i][1] * x[1] + w[i][2] * x[2];
  const double e0 = std::exp(z[0]), e1 = std::exp(z[1]);
  const double p[2] = {e0 / (e0 + e1), e1 / (e0 + e1)};
  double snip = 0, norm2 = 0;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      const double g = (p[i] - (i == y ? 1.0 : 0.0)) * x[j];
      snip += std::abs(w[i][j] * g);
      norm2 += g * g;
    }
  ProxyBatch batch{at::tensor(x, at::kFloat).reshape({1, 3}), at::tensor(std::vector<std::int64_t>{y}, at::kLong)};
  const auto got = proxies::snip_grad_norm([&](const at::Tensor& t) { return one->forward(t); },
                                           proxies::layer_weights(*one), batch);
  CHECK_THAT(got.snip, WithinRel(snip, 1e-5));
  CHECK_THAT(got.grad_norm, WithinRel(std::sqrt(norm2), 1e-5));
}

TEST_CASE("jacob_cov is minus the sum of log(v + k) + 1/(v + k) over the eigenvalues of the Jacobian rows' correlations",
          "[zero_cost]") {
  // Two rows with correlation r: eigenvalues 1 - r and 1 + r.
  const at::Tensor j = at::tensor(std::vector<double>{1, 2, 3, 1, 2, 4}, at::kDouble).reshape({2, 3});
  // r of (1,2,3) and (1,2,4): centred (-1,0,1) and (-4/3,-1/3,5/3).
  const double a[3] = {-1, 0, 1}, b[3] = {-4.0 / 3, -1.0 / 3, 5.0 / 3};
  double ab = 0, aa = 0, bb = 0;
  for (int i = 0; i < 3; ++i) ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
  const double r = ab / std::sqrt(aa * bb);
  const double k = 1e-5;
  double expected = 0;
  for (double v : {1 - r, 1 + r}) expected -= std::log(v + k) + 1 / (v + k);
  CHECK_THAT(proxies::jacob_cov_of(j), WithinRel(expected, 1e-9));
  // A constant row has no correlation: undefined.
  const at::Tensor constant_row = at::tensor(std::vector<double>{1, 1, 1, 1, 2, 4}, at::kDouble).reshape({2, 3});
  CHECK(std::isnan(proxies::jacob_cov_of(constant_row)));
}

TEST_CASE("naswot's kernel counts agreeing ReLU codes and its score is log |det K|", "[zero_cost]") {
  // Codes (1,0,1) and (0,0,1): K = [[3,2],[2,3]] (D minus the Hamming distance), det 5.
  const at::Tensor relu_input = at::tensor(std::vector<float>{1, -1, 2, -1, -1, 3}).reshape({2, 3});
  at::Tensor kernel;
  proxies::naswot_accumulate(kernel, relu_input);
  REQUIRE(kernel.defined());
  CHECK(kernel[0][0].item<double>() == 3);
  CHECK(kernel[0][1].item<double>() == 2);
  CHECK(kernel[1][1].item<double>() == 3);
  CHECK_THAT(proxies::naswot_of(kernel), WithinRel(std::log(5.0), 1e-12));
  // A second layer adds its own counts.
  proxies::naswot_accumulate(kernel, relu_input);
  CHECK_THAT(proxies::naswot_of(kernel), WithinRel(std::log(20.0), 1e-12));
}

TEST_CASE("A ReLU observer sees the input of every ReLU of a stand-alone network while it is in scope", "[zero_cost]") {
  NetworkSetup setup;
  setup.channels = 4;
  setup.cells_per_stage = 1;
  model::Supernet net = model::make_stand_alone(kAllConv, setup);
  const at::Tensor x = at::randn({2, 3, 8, 8});
  int calls = 0;
  {
    model::ScopedReluObserver observe([&](const at::Tensor& t) {
      ++calls;
      CHECK(t.size(0) == 2);
    });
    net->forward(x, Path::shared(kAllConv));
  }
  // 3 cells x 6 ReLU-conv-BN edges, 2 reductions x 2, the head's ReLU.
  CHECK(calls == 3 * 6 + 2 * 2 + 1);
  net->forward(x, Path::shared(kAllConv));
  CHECK(calls == 23);
}

TEST_CASE("Zero-cost proxies are named, all expands to the five and an unknown name is refused", "[zero_cost]") {
  CHECK(parse_zero_cost_proxies("all") == zero_cost_proxy_names());
  const std::vector<std::string> two = {"naswot", "synflow"};
  CHECK(parse_zero_cost_proxies("naswot, synflow,naswot") == two);
  CHECK_THROWS_WITH(parse_zero_cost_proxies("synflo"), Catch::Contains("synflo"));
}

TEST_CASE("Zero-cost scores of a stand-alone network are computed once, cached per proxy and read back unchanged",
          "[zero_cost]") {
  const auto dir = test::scratch_dir("zero_cost_cache");
  const auto train = test::tiny_dataset(48, 1);
  ZeroCostScorer scorer(tiny_config(), train, dir);
  const auto first = scorer.get(kConv, zero_cost_proxy_names());
  CHECK(first.computed == 5);
  for (const auto& p : zero_cost_proxy_names()) {
    INFO(p);
    REQUIRE(first.values.count(p));
    CHECK(std::isfinite(first.values.at(p)));
    CHECK(std::filesystem::exists(scorer.cache_dir(p) / fmt::format("{}.json", first.index)));
    CHECK(std::filesystem::exists(scorer.cache_dir(p) / "config.json"));
  }
  CHECK(first.values.at("synflow") > 0);
  CHECK(first.values.at("snip") > 0);
  CHECK(first.values.at("grad_norm") > 0);
  // Different proxies, different folders; the batch size is in the key.
  CHECK(scorer.cache_dir("snip") != scorer.cache_dir("naswot"));
  ZeroCostConfig other = tiny_config();
  other.batch_size = 8;
  CHECK(zero_cost_config_hash(other, "snip") != zero_cost_config_hash(tiny_config(), "snip"));
  CHECK(zero_cost_config_hash(other, "naswot") == zero_cost_config_hash(tiny_config(), "naswot"));

  ZeroCostScorer again(tiny_config(), train, dir);
  const auto second = again.get(kConv, zero_cost_proxy_names());
  CHECK(second.computed == 0);
  CHECK(second.values == first.values);

  // Without a cache the same seed gives the same scores (one initialisation, one batch).
  ZeroCostScorer uncached(tiny_config(), train, {});
  const auto third = uncached.get(kConv, {"jacob_cov", "synflow"});
  CHECK(third.computed == 2);
  CHECK(third.values.size() == 2);
  CHECK(third.values.at("synflow") == first.values.at("synflow"));
  CHECK(third.values.at("jacob_cov") == first.values.at("jacob_cov"));
}

TEST_CASE("Per-architecture images give each architecture its own seeded batch, whatever was scored before it",
          "[zero_cost]") {
  const auto train = test::tiny_dataset(48, 1);
  ZeroCostConfig per_arch = tiny_config();
  per_arch.images = ZeroCostImages::per_architecture;
  const std::vector<std::string> data_proxies = {"snip", "grad_norm", "jacob_cov", "naswot"};

  ZeroCostScorer alone(per_arch, train, {});
  const auto a = alone.get(kConv, data_proxies);
  ZeroCostScorer after_other(per_arch, train, {});
  after_other.get(kAllConv, data_proxies);
  const auto b = after_other.get(kConv, data_proxies);
  CHECK(b.values == a.values);

  // Another batch than the shared one: the same initial weights, other scores.
  ZeroCostScorer shared(tiny_config(), train, {});
  const auto s = shared.get(kConv, data_proxies);
  CHECK(s.values.at("snip") != a.values.at("snip"));
  CHECK(s.values.at("jacob_cov") != a.values.at("jacob_cov"));

  // The option is in the cache key of the proxies that read images, and the
  // default leaves the key as it was before the option existed.
  CHECK(zero_cost_config_hash(per_arch, "snip") != zero_cost_config_hash(tiny_config(), "snip"));
  CHECK(zero_cost_config_hash(per_arch, "synflow") == zero_cost_config_hash(tiny_config(), "synflow"));
  CHECK(zero_cost_config_json(tiny_config(), "snip").find("images") == std::string::npos);
  CHECK(parse_zero_cost_images("per-architecture") == ZeroCostImages::per_architecture);
  CHECK(to_string(ZeroCostImages::shared) == "shared");
  CHECK_THROWS_WITH(parse_zero_cost_images("fresh"), Catch::Contains("expected shared or per-architecture"));
}

TEST_CASE("A damaged zero-cost cache entry is recomputed, not trusted", "[zero_cost]") {
  const auto dir = test::scratch_dir("zero_cost_damaged");
  const auto train = test::tiny_dataset(48, 1);
  ZeroCostScorer scorer(tiny_config(), train, dir);
  const auto first = scorer.get(kConv, {"naswot"});
  std::ofstream(scorer.cache_dir("naswot") / fmt::format("{}.json", first.index)) << "{\"arch\": tru";
  ZeroCostScorer again(tiny_config(), train, dir);
  const auto second = again.get(kConv, {"naswot"});
  CHECK(second.computed == 1);
  CHECK(second.values.at("naswot") == first.values.at("naswot"));
}

TEST_CASE("A network whose output does not depend on its input scores 0 on the weight proxies and is undefined on "
          "jacob_cov and naswot",
          "[zero_cost]") {
  const auto train = test::tiny_dataset(48, 1);
  ZeroCostScorer scorer(tiny_config(), train, {});
  const auto r = scorer.get(kNoPath, zero_cost_proxy_names());
  CHECK(r.values.at("synflow") == 0);
  CHECK(r.values.at("snip") == 0);
  CHECK(r.values.at("grad_norm") == 0);
  CHECK(std::isnan(r.values.at("jacob_cov")));
  CHECK(std::isnan(r.values.at("naswot")));
}
