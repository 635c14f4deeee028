#include "spbench/study/ground_truth/zero_cost.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include "spbench/engine/data/loader.hpp"
#include "spbench/engine/model/relu_observer.hpp"
#include "spbench/engine/model/supernet.hpp"
#include "spbench/sdk/random_seeds.hpp"
#include "spbench/util/atomic_file.hpp"
#include "spbench/util/hash.hpp"

namespace spbench::ground_truth {

namespace {
// Bump when a definition changes in a way that changes results.
constexpr int kProcedureVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void clear_gradients(const std::vector<at::Tensor>& weights) {
  for (at::Tensor w : weights)  // a handle sharing the parameter
    if (w.grad().defined()) w.mutable_grad() = at::Tensor();
}

double finite_or_nan(double v) { return std::isfinite(v) ? v : kNaN; }

}  // namespace

const std::vector<std::string>& zero_cost_proxy_names() {
  static const std::vector<std::string> names = {"synflow", "snip", "grad_norm", "jacob_cov", "naswot"};
  return names;
}

std::vector<std::string> parse_zero_cost_proxies(const std::string& text) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::stringstream in(text);
  std::string name;
  while (std::getline(in, name, ',')) {
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name.empty()) continue;
    if (name == "all") {
      for (const auto& n : zero_cost_proxy_names())
        if (seen.insert(n).second) out.push_back(n);
      continue;
    }
    const auto& known = zero_cost_proxy_names();
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw std::invalid_argument(fmt::format("unknown zero-cost proxy \"{}\" (known: {}, or all)", name,
                                              fmt::join(known, ", ")));
    if (seen.insert(name).second) out.push_back(name);
  }
  if (out.empty()) throw std::invalid_argument("no zero-cost proxy named");
  return out;
}

std::string to_string(ZeroCostImages images) {
  return images == ZeroCostImages::shared ? "shared" : "per-architecture";
}

ZeroCostImages parse_zero_cost_images(const std::string& text) {
  if (text == "shared") return ZeroCostImages::shared;
  if (text == "per-architecture") return ZeroCostImages::per_architecture;
  throw std::invalid_argument(fmt::format("zero-cost images \"{}\": expected shared or per-architecture", text));
}

std::int64_t zero_cost_batch(const ZeroCostConfig& config, const std::string& proxy) {
  if (proxy == "synflow") return 1;  // one all-ones image, whatever the batch size
  if (proxy == "naswot") return config.naswot_batch_size;
  return config.batch_size;
}

std::string zero_cost_config_json(const ZeroCostConfig& c, const std::string& proxy) {
  nlohmann::json j = {
      {"procedure_version", kProcedureVersion},
      {"proxy", proxy},
      {"data", c.data},
      {"seed", c.seed},
      {"batch_size", zero_cost_batch(c, proxy)},
      {"channels", c.network.channels},
      {"cells_per_stage", c.network.cells_per_stage},
      {"num_classes", c.network.num_classes},
      {"input_channels", c.network.input_channels},
  };
  // Written only when not the default, so that caches made before the
  // option existed keep their keys. synflow reads no images.
  if (c.images != ZeroCostImages::shared && proxy != "synflow") j["images"] = to_string(c.images);
  return j.dump();  // sorted keys
}

std::string zero_cost_config_hash(const ZeroCostConfig& config, const std::string& proxy) {
  return util::fnv1a64_hex(zero_cost_config_json(config, proxy));
}

namespace proxies {

// The weights of the network's Conv2d and Linear layers (what zero-cost-nas
// scores: BN and biases are not).
std::vector<at::Tensor> layer_weights(torch::nn::Module& net) {
  std::vector<at::Tensor> out;
  for (const auto& m : net.modules(/*include_self=*/false)) {
    if (auto* conv = m->as<torch::nn::Conv2dImpl>())
      out.push_back(conv->weight);
    else if (auto* linear = m->as<torch::nn::LinearImpl>())
      out.push_back(linear->weight);
  }
  return out;
}

// synflow's network: BN an exact identity (running mean 0, variance 1, eps 0,
// scale 1, shift 0, evaluation mode), every parameter and buffer made
// non-negative, double precision.
void linearise(torch::nn::Module& net) {
  torch::NoGradGuard no_grad;
  for (const auto& m : net.modules(/*include_self=*/false)) {
    if (auto* bn = m->as<torch::nn::BatchNorm2dImpl>()) {
      bn->options.eps(0.0);
      if (bn->running_mean.defined()) bn->running_mean.zero_();
      if (bn->running_var.defined()) bn->running_var.fill_(1.0);
      if (bn->weight.defined()) bn->weight.fill_(1.0);
      if (bn->bias.defined()) bn->bias.zero_();
    }
  }
  for (auto& p : net.parameters()) p.abs_();
  for (auto& b : net.buffers())
    if (b.is_floating_point()) b.abs_();
  net.to(torch::kFloat64);
  net.eval();
}


SnipGradNorm snip_grad_norm(const Forward& forward, const std::vector<at::Tensor>& weights, const ProxyBatch& batch) {
  clear_gradients(weights);
  at::Tensor logits = forward(batch.images);
  SnipGradNorm out;
  if (!logits.requires_grad()) return out;  // output independent of every weight
  at::Tensor loss = at::cross_entropy_loss(logits, batch.labels);
  loss.backward();
  torch::NoGradGuard no_grad;
  for (const auto& w : weights) {
    const at::Tensor g = w.grad();
    if (!g.defined()) continue;
    out.snip += (w * g).abs().sum().item<double>();
    out.grad_norm += g.norm().item<double>();
  }
  return out;
}

double synflow(const Forward& forward, const std::vector<at::Tensor>& weights, const std::vector<std::int64_t>& input_shape) {
  clear_gradients(weights);
  at::Tensor x = at::ones(input_shape, at::TensorOptions().dtype(at::kDouble));
  at::Tensor out = forward(x);
  if (!out.requires_grad()) return 0.0;
  out.sum().backward();
  torch::NoGradGuard no_grad;
  double score = 0;
  for (const auto& w : weights) {
    const at::Tensor g = w.grad();
    if (g.defined()) score += (w * g).abs().sum().item<double>();
  }
  return score;
}

double jacob_cov_of(const at::Tensor& jacobian) {
  torch::NoGradGuard no_grad;
  at::Tensor j = jacobian.reshape({jacobian.size(0), -1}).to(at::kDouble);
  j = j - j.mean(1, /*keepdim=*/true);
  const at::Tensor cov = j.mm(j.t());
  const at::Tensor sd = cov.diagonal().sqrt();
  at::Tensor corr = cov / sd.unsqueeze(1) / sd.unsqueeze(0);
  corr = corr.clamp(-1.0, 1.0);  // as numpy's corrcoef
  if (!at::isfinite(corr).all().item<bool>()) return kNaN;
  const at::Tensor v = at::linalg_eigvalsh(corr);
  constexpr double k = 1e-5;
  const at::Tensor vk = v + k;
  return finite_or_nan(-(vk.log() + vk.reciprocal()).sum().item<double>());
}

double jacob_cov(const Forward& forward, const at::Tensor& images) {
  at::Tensor x = images.detach().clone().requires_grad_(true);
  at::Tensor y = forward(x);
  if (!y.requires_grad()) return kNaN;  // output independent of the input
  y.backward(at::ones_like(y));
  const at::Tensor g = x.grad();
  if (!g.defined()) return kNaN;
  return jacob_cov_of(g);
}

void naswot_accumulate(at::Tensor& kernel, const at::Tensor& relu_input) {
  torch::NoGradGuard no_grad;
  const std::int64_t b = relu_input.size(0);
  // 0/1 codes: float products and sums of them stay exact integers below 2^24.
  const at::Tensor c = relu_input.detach().reshape({b, -1}).gt(0).to(at::kFloat);
  const double d = static_cast<double>(c.size(1));
  const at::Tensor s = c.sum(1);
  // c c^T + (1-c)(1-c)^T = 2 c c^T - s 1^T - 1 s^T + D
  // c c^T as a 1x1 convolution (weight [B, D, 1, 1] over input [1, D, 1, B]):
  // LibTorch's CPU convolutions run on oneDNN, its mm on whatever BLAS the
  // system provides, which can be the reference BLAS (Debian's default), tens
  // of times slower at [128, 16384] x [16384, 128].
  const at::Tensor cc = at::conv2d(c.t().contiguous().reshape({1, c.size(1), 1, b}), c.reshape({b, c.size(1), 1, 1}))
                            .reshape({b, b});
  const at::Tensor k = cc.mul(2).sub(s.unsqueeze(1)).sub(s.unsqueeze(0)).add(d);
  if (!kernel.defined()) kernel = at::zeros({b, b}, at::TensorOptions().dtype(at::kDouble));
  kernel.add_(k.to(at::kDouble));
}

double naswot_of(const at::Tensor& kernel) {
  if (!kernel.defined()) return kNaN;
  const auto [sign, logabsdet] = at::linalg_slogdet(kernel);
  if (sign.item<double>() == 0) return kNaN;
  return finite_or_nan(logabsdet.item<double>());
}

}  // namespace proxies

ZeroCostScorer::ZeroCostScorer(ZeroCostConfig config, const data::ImageDataset& train, std::filesystem::path cache_root)
    : config_(std::move(config)), train_(train), cache_root_(std::move(cache_root)) {
  config_.network.bn_affine = true;
  config_.network.bn_track_running_stats = true;
  config_.network.dropout = 0.0;
  config_.network.drop_path = 0.0;
}

std::filesystem::path ZeroCostScorer::cache_dir(const std::string& proxy) const {
  return cache_root_.empty() ? std::filesystem::path() : cache_root_ / zero_cost_config_hash(config_, proxy);
}

const ProxyBatch& ZeroCostScorer::batch(std::int64_t size, int index) {
  const bool shared = config_.images == ZeroCostImages::shared;
  const std::pair<std::int64_t, int> key{size, shared ? -1 : index};
  auto it = batches_.find(key);
  if (it != batches_.end()) return it->second;
  if (!shared)  // one architecture's batches at a time
    for (auto b = batches_.begin(); b != batches_.end();) b = b->first.second != index ? batches_.erase(b) : std::next(b);
  if (train_.size() < size)
    throw std::invalid_argument(fmt::format("zero-cost proxies: batch of {} images from a training split of {}", size,
                                            train_.size()));
  const std::uint64_t images_seed =
      shared ? mix_seed({config_.seed, 0x42415443ULL})
             : mix_seed({config_.seed, static_cast<std::uint64_t>(index), 0x42415443ULL});
  data::LoaderOptions lo = data::train_loader_options(size, images_seed);
  lo.augment = true;
  data::BatchLoader loader(train_, lo);
  Batch b = loader.batch(0, 0);
  return batches_.emplace(key, ProxyBatch{b.images, b.labels}).first->second;
}

ZeroCostResult ZeroCostScorer::get(const CellArch& arch, const std::vector<std::string>& proxies) {
  ZeroCostResult r;
  r.arch = arch;
  r.index = nb201_index(arch);
  std::set<std::string> missing;
  for (const auto& proxy : proxies) {
    const auto dir = cache_dir(proxy);
    if (dir.empty()) {
      missing.insert(proxy);
      continue;
    }
    const auto file = dir / fmt::format("{}.json", r.index);
    if (!std::filesystem::exists(file)) {
      missing.insert(proxy);
      continue;
    }
    try {
      std::ifstream in(file);
      const auto j = nlohmann::json::parse(in);
      if (j.at("arch").get<std::string>() != arch.to_string() ||
          j.at("config_hash").get<std::string>() != zero_cost_config_hash(config_, proxy))
        throw std::runtime_error("another architecture or configuration");
      r.values[proxy] = j.at("value").is_null() ? kNaN : j.at("value").get<double>();
      r.seconds[proxy] = j.at("seconds").get<double>();
    } catch (const std::exception& e) {
      // A damaged entry is recomputed, not trusted.
      if (sink_) sink_(fmt::format("zero-cost cache: ignoring {}: {}", file.string(), e.what()));
      missing.insert(proxy);
    }
  }
  if (missing.empty()) return r;

  const std::uint64_t seed = mix_seed({config_.seed, static_cast<std::uint64_t>(r.index), 0x5A45524FULL});
  const Path path = Path::shared(arch);
  auto make_net = [&] {
    torch::manual_seed(seed);  // the same initial weights for every proxy
    return model::make_stand_alone(arch, config_.network);
  };
  std::map<std::string, double> computed;

  if (missing.count("synflow")) {
    const auto start = std::chrono::steady_clock::now();
    model::Supernet net = make_net();
    proxies::linearise(*net);
    // One image of the data's shape (the loader's crop keeps it); no batch read.
    const std::vector<std::int64_t> shape = {1, train_.channels(), train_.height(), train_.width()};
    const double v = proxies::synflow([&](const at::Tensor& x) { return net->forward(x, path); }, proxies::layer_weights(*net), shape);
    r.values["synflow"] = finite_or_nan(v);
    r.seconds["synflow"] = seconds_since(start);
    computed["synflow"] = r.values["synflow"];
  }
  if (missing.count("snip") || missing.count("grad_norm")) {
    const auto start = std::chrono::steady_clock::now();
    model::Supernet net = make_net();
    net->train();
    const auto sg = proxies::snip_grad_norm([&](const at::Tensor& x) { return net->forward(x, path); },
                                            proxies::layer_weights(*net), batch(config_.batch_size, r.index));
    const double s = seconds_since(start);
    for (const auto& [name, v] : {std::pair<std::string, double>{"snip", sg.snip}, {"grad_norm", sg.grad_norm}}) {
      r.values[name] = finite_or_nan(v);
      r.seconds[name] = s;
      computed[name] = r.values[name];
    }
  }
  if (missing.count("jacob_cov")) {
    const auto start = std::chrono::steady_clock::now();
    model::Supernet net = make_net();
    net->train();
    const double v =
        proxies::jacob_cov([&](const at::Tensor& x) { return net->forward(x, path); }, batch(config_.batch_size, r.index).images);
    r.values["jacob_cov"] = v;
    r.seconds["jacob_cov"] = seconds_since(start);
    computed["jacob_cov"] = v;
  }
  if (missing.count("naswot")) {
    const auto start = std::chrono::steady_clock::now();
    model::Supernet net = make_net();
    net->train();
    at::Tensor kernel;
    {
      torch::NoGradGuard no_grad;
      model::ScopedReluObserver observe([&](const at::Tensor& x) { proxies::naswot_accumulate(kernel, x); });
      net->forward(batch(config_.naswot_batch_size, r.index).images, path);
    }
    const double v = proxies::naswot_of(kernel);
    r.values["naswot"] = v;
    r.seconds["naswot"] = seconds_since(start);
    computed["naswot"] = v;
  }

  for (const auto& [proxy, v] : computed) {
    ++r.computed;
    const auto dir = cache_dir(proxy);
    if (dir.empty()) continue;
    std::filesystem::create_directories(dir);
    if (!std::filesystem::exists(dir / "config.json"))
      write_file_atomic(dir / "config.json",
                        nlohmann::json::parse(zero_cost_config_json(config_, proxy)).dump(2) + "\n");
    nlohmann::json j = {{"arch", arch.to_string()},
                        {"index", r.index},
                        {"proxy", proxy},
                        {"value", std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr)},
                        {"seconds", r.seconds[proxy]},
                        {"config_hash", zero_cost_config_hash(config_, proxy)}};
    write_file_atomic(dir / fmt::format("{}.json", r.index), j.dump(2) + "\n");
  }
  // Only what was asked for.
  for (auto it = r.values.begin(); it != r.values.end();)
    it = std::find(proxies.begin(), proxies.end(), it->first) == proxies.end() ? r.values.erase(it) : std::next(it);
  return r;
}

}  // namespace spbench::ground_truth
