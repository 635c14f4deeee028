#pragma once
// Zero-cost proxies: scores of an architecture's stand-alone NAS-Bench-201
// network at initialisation, from one batch of training images, used as
// reference predictors beside the super-network (docs/metrics.md, "Zero-cost
// reference rows").
//
//  synflow    Tanaka et al. as in Abdelfattah et al.'s zero-cost-nas: BN
//             removed (identity), every parameter and buffer replaced by its
//             absolute value, double precision, one all-ones input image;
//             R = sum of the logits; score = sum over Conv2d and Linear
//             weights of |w * dR/dw|.
//  snip       sum over Conv2d and Linear weights of |w * dL/dw|, L the mean
//             cross-entropy of the batch, BN in training mode.
//  grad_norm  sum over Conv2d and Linear layers of the L2 norm of dL/dw
//             (same forward/backward pass as snip).
//  jacob_cov  J = d(sum of logits)/d(input), one row per image; C = the
//             correlation matrix of J's rows; score = -sum_i (log(v_i + k) +
//             1/(v_i + k)) over C's eigenvalues v_i, k = 1e-5.
//  naswot     Mellor et al. (2021): c = the binary pattern (input > 0) of
//             every ReLU that the output depends on, K = sum over ReLUs of
//             c c^T + (1-c)(1-c)^T (B x B), score = log|det K|.
//
// A score that is not finite (jacob_cov or naswot of a network whose output
// does not depend on its input) is reported as NaN: "undefined", left out of
// rankings like the published analysis does (nan_policy='omit').
//
// Initialisation: LibTorch's default (PyTorch's: Kaiming-uniform, a = sqrt 5)
// after torch::manual_seed(mix_seed(seed, NB201 index)); every proxy of one
// architecture sees the same initial weights. Images: the first batch of the
// training split's seeded, augmented loader (random crop + flip). By default
// the same batch for every architecture (ZeroCostImages::shared), so that
// the ranking compares networks, not batches; ZeroCostImages::per_architecture
// draws each architecture its own batch (seeded by seed and NB201 index), as
// zero-cost-nas's nasbench2_pred.py does by taking the next batch of a
// shuffled loader for every architecture.
//
// Cache: <cache_root>/<hash>/<arch index>.json, one folder per proxy
// configuration (data, network shape, proxy, batch size, seed, images when
// per architecture, procedure version), written atomically, config.json
// beside the entries. Thread count and machine are not part of the key.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "spbench/engine/data/dataset.hpp"
#include "spbench/sdk/cell_architecture.hpp"
#include "spbench/sdk/run_setup.hpp"

namespace torch::nn {
class Module;
}  // namespace torch::nn

namespace spbench::ground_truth {

// In the order they are computed and written.
const std::vector<std::string>& zero_cost_proxy_names();
// Throws std::invalid_argument naming the unknown proxy.
std::vector<std::string> parse_zero_cost_proxies(const std::string& comma_separated);

enum class ZeroCostImages { shared, per_architecture };
// "shared" / "per-architecture"; parse throws std::invalid_argument.
std::string to_string(ZeroCostImages images);
ZeroCostImages parse_zero_cost_images(const std::string& text);

struct ZeroCostConfig {
  NetworkSetup network;            // C, N, classes, input channels
  std::int64_t batch_size = 64;    // synflow (one all-ones image), snip, grad_norm, jacob_cov
  std::int64_t naswot_batch_size = 128;
  std::uint64_t seed = 0;          // images and initialisation
  ZeroCostImages images = ZeroCostImages::shared;
  std::string data;                // canonical text of the data (part of the cache key)
};

// The batch size proxy `proxy` uses, its configuration as canonical JSON
// (sorted keys) and the 16-hex-digit hash naming its cache folder.
std::int64_t zero_cost_batch(const ZeroCostConfig& config, const std::string& proxy);
std::string zero_cost_config_json(const ZeroCostConfig& config, const std::string& proxy);
std::string zero_cost_config_hash(const ZeroCostConfig& config, const std::string& proxy);

// One batch: float images, normalised, [B, C, H, W]; int64 labels [B].
struct ProxyBatch {
  at::Tensor images;
  at::Tensor labels;
};

// The proxies' definitions, on any network: `forward` maps a batch to logits;
// `weights` are the weights of the Conv2d and Linear layers. Used by
// ZeroCostScorer on NAS-Bench-201 networks and by the tests on tiny ones.
namespace proxies {
using Forward = std::function<at::Tensor(const at::Tensor&)>;
// The weights of the module's Conv2d and Linear layers (biases and BN are
// not scored), in module order.
std::vector<at::Tensor> layer_weights(torch::nn::Module& net);
// synflow's network: every BatchNorm2d an exact identity (running mean 0,
// variance 1, eps 0, scale 1, shift 0, evaluation mode: zero-cost-nas removes
// BN), every parameter and floating-point buffer replaced by its absolute
// value, double precision.
void linearise(torch::nn::Module& net);
// sum over weights of |w * g|, and sum over weights of ||g||_2 (a weight
// without gradient counts 0).
struct SnipGradNorm {
  double snip = 0;
  double grad_norm = 0;
};
SnipGradNorm snip_grad_norm(const Forward& forward, const std::vector<at::Tensor>& weights, const ProxyBatch& batch);
// Expects the network already linearised (absolute values, BN removed, double).
double synflow(const Forward& forward, const std::vector<at::Tensor>& weights, const std::vector<std::int64_t>& input_shape);
// From the input Jacobian rows [B, D].
double jacob_cov_of(const at::Tensor& jacobian);
double jacob_cov(const Forward& forward, const at::Tensor& images);
// K from ReLU inputs, and log|det K|.
void naswot_accumulate(at::Tensor& kernel, const at::Tensor& relu_input);
double naswot_of(const at::Tensor& kernel);
}  // namespace proxies

struct ZeroCostResult {
  CellArch arch;
  int index = -1;
  std::map<std::string, double> values;   // proxy → score (NaN: undefined)
  std::map<std::string, double> seconds;  // proxy → seconds when computed (snip and grad_norm: their shared pass)
  int computed = 0;                       // proxies computed in this call (not from the cache)
};

class ZeroCostScorer {
 public:
  // `train`: the training split the batches come from (shared, not copied).
  // `cache_root` empty: no cache.
  ZeroCostScorer(ZeroCostConfig config, const data::ImageDataset& train, std::filesystem::path cache_root);

  // The proxies' scores from the cache, or computed (and cached).
  ZeroCostResult get(const CellArch& arch, const std::vector<std::string>& proxies);

  std::filesystem::path cache_dir(const std::string& proxy) const;  // empty without cache
  const ZeroCostConfig& config() const { return config_; }
  void set_message_sink(std::function<void(const std::string&)> sink) { sink_ = std::move(sink); }

 private:
  // The batch of `size` images for architecture `index` (the same for every
  // index unless config().images is per_architecture).
  const ProxyBatch& batch(std::int64_t size, int index);

  ZeroCostConfig config_;
  data::ImageDataset train_;
  std::filesystem::path cache_root_;
  std::map<std::pair<std::int64_t, int>, ProxyBatch> batches_;  // (size, index or -1 when shared)
  std::function<void(const std::string&)> sink_;
};

}  // namespace spbench::ground_truth
