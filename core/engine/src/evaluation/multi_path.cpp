#include "spbench/engine/evaluation/multi_path.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

#include <map>
#include <stdexcept>
#include <unordered_map>

#include "spbench/engine/model/operations.hpp"

namespace spbench::evaluation {

using BnMode = EvaluationSpec::BnMode;

namespace {

bool holds_batch_norm(const torch::nn::Module& m) {
  for (const auto& sub : m.modules(/*include_self=*/true))
    if (dynamic_cast<const torch::nn::BatchNorm1dImpl*>(sub.get()) ||
        dynamic_cast<const torch::nn::BatchNorm2dImpl*>(sub.get()) ||
        dynamic_cast<const torch::nn::BatchNorm3dImpl*>(sub.get()) ||
        dynamic_cast<const torch::nn::InstanceNorm2dImpl*>(sub.get()) ||
        dynamic_cast<const torch::nn::GroupNormImpl*>(sub.get()))
      return true;
  return false;
}

// Whether every normalisation inside `m` is a BatchNorm with running
// statistics, so that in eval mode the module treats every sample alone.
bool per_sample_in_eval(const torch::nn::Module& m) {
  for (const auto& sub : m.modules(/*include_self=*/true)) {
    if (auto* bn = dynamic_cast<const torch::nn::BatchNorm2dImpl*>(sub.get())) {
      if (!bn->options.track_running_stats()) return false;
    } else if (dynamic_cast<const torch::nn::BatchNorm1dImpl*>(sub.get()) ||
               dynamic_cast<const torch::nn::BatchNorm3dImpl*>(sub.get()) ||
               dynamic_cast<const torch::nn::InstanceNorm2dImpl*>(sub.get())) {
      return false;  // not worth the cases: such a module is scored path by path
    }
  }
  return true;
}

std::vector<torch::nn::BatchNorm2dImpl*> batch_norms_of(model::SupernetImpl& net) {
  std::vector<torch::nn::BatchNorm2dImpl*> out;
  for (const auto& m : net.modules(/*include_self=*/false))
    if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) out.push_back(bn);
  return out;
}

}  // namespace

bool MultiPathForward::supports(const model::SupernetImpl& net, BnMode mode) {
  for (int c = 0; c < net.num_cells(); ++c)
    for (int e = 0; e < kNumEdges; ++e)
      for (Op op : kAllOps) {
        const model::CandidateOp* m = net.operation(c, e, op);
        if (!m || dynamic_cast<const model::ReLUConvBNImpl*>(m)) continue;
        if (!holds_batch_norm(*m)) continue;
        if (mode == BnMode::Running && per_sample_in_eval(*m)) continue;
        return false;
      }
  return true;
}

struct MultiPathForward::Impl {
  model::SupernetImpl& net;
  MultiPathOptions options;
  std::vector<Path> paths;
  std::vector<torch::nn::BatchNorm2dImpl*> bns;
  // Recalibrate: each BN's running statistics per path ([K, C]) and the
  // batches each path has tracked (BatchNorm2d's num_batches_tracked).
  struct PathStatistics {
    at::Tensor mean, var;
    std::vector<std::int64_t> tracked;
  };
  std::unordered_map<const torch::nn::BatchNorm2dImpl*, PathStatistics> statistics;
  bool recalibrating = false;

  Impl(model::SupernetImpl& n, MultiPathOptions o) : net(n), options(o), bns(batch_norms_of(n)) {}

  int K() const { return static_cast<int>(paths.size()); }

  PathStatistics& statistics_of(const torch::nn::BatchNorm2dImpl& bn) {
    auto it = statistics.find(&bn);
    if (it != statistics.end()) return it->second;
    // First use in this set of paths: every path starts where the trained
    // network's BN would start for it (evaluator.hpp, Recalibrate).
    PathStatistics s;
    const std::int64_t channels = bn.options.num_features();
    if (options.recalibrate_reset) {
      s.mean = at::zeros({K(), channels}, bn.running_mean.options());
      s.var = at::ones({K(), channels}, bn.running_var.options());
      s.tracked.assign(static_cast<std::size_t>(K()), 0);
    } else {
      s.mean = bn.running_mean.unsqueeze(0).expand({K(), channels}).clone();
      s.var = bn.running_var.unsqueeze(0).expand({K(), channels}).clone();
      s.tracked.assign(static_cast<std::size_t>(K()), bn.num_batches_tracked.item<std::int64_t>());
    }
    return statistics.emplace(&bn, std::move(s)).first->second;
  }

  // BatchNorm of the stacked rows of the paths `ids` (one block of B rows each).
  at::Tensor batch_norm(torch::nn::BatchNorm2dImpl& bn, const at::Tensor& x, const std::vector<int>& ids) {
    const bool tracks = bn.options.track_running_stats();
    const bool batch_statistics = recalibrating || options.bn == BnMode::Batch || !tracks;
    // The trained statistics, the same for every path: BatchNorm2d itself
    // (in eval mode here), sample by sample.
    if (!batch_statistics && options.bn == BnMode::Running) return bn.forward(x);

    const std::int64_t k = static_cast<std::int64_t>(ids.size());
    const std::int64_t channels = x.size(1);
    const at::Tensor x5 = x.unflatten(0, {k, x.size(0) / k});  // [k, B, C, H, W]
    const auto per_path = [&](const at::Tensor& t) { return t.view({k, 1, channels, 1, 1}); };
    at::Tensor mean, var;
    if (batch_statistics) {
      std::tie(var, mean) = at::var_mean(x5, {1, 3, 4}, /*unbiased=*/false, /*keepdim=*/false);  // [k, C]
      if (recalibrating && tracks) {
        PathStatistics& s = statistics_of(bn);
        const at::Tensor index = at::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()),
                                            at::TensorOptions().dtype(at::kLong).device(x.device()));
        std::vector<double> factors;
        for (int id : ids) {
          const std::int64_t tracked = ++s.tracked[static_cast<std::size_t>(id)];
          factors.push_back(options.recalibrate_momentum < 0 ? 1.0 / static_cast<double>(tracked)
                                                            : options.recalibrate_momentum);
        }
        const at::Tensor f = at::tensor(factors, s.mean.options()).view({k, 1});
        const double n = static_cast<double>(x5.numel() / (k * channels));
        const at::Tensor unbiased = var.to(s.var.scalar_type()) * (n / std::max(1.0, n - 1.0));
        const at::Tensor old_mean = s.mean.index_select(0, index), old_var = s.var.index_select(0, index);
        s.mean.index_copy_(0, index, old_mean * (1 - f) + mean.to(s.mean.scalar_type()) * f);
        s.var.index_copy_(0, index, old_var * (1 - f) + unbiased * f);
      }
    } else {
      PathStatistics& s = statistics_of(bn);
      const at::Tensor index = at::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()),
                                          at::TensorOptions().dtype(at::kLong).device(x.device()));
      mean = s.mean.index_select(0, index);
      var = s.var.index_select(0, index);
    }
    at::Tensor scale = at::rsqrt(var + bn.options.eps());
    at::Tensor shift = -mean * scale;
    if (bn.options.affine()) {
      scale = scale * bn.weight;
      shift = shift * bn.weight + bn.bias;
    }
    return (x5 * per_path(scale.to(x.scalar_type())) + per_path(shift.to(x.scalar_type()))).flatten(0, 1);
  }

  at::Tensor relu_conv_bn(model::ReLUConvBNImpl& op, const at::Tensor& x, const std::vector<int>& ids) {
    return batch_norm(*op.bn, op.conv->forward(at::relu(x)), ids);
  }

  at::Tensor operation(model::CandidateOp& op, const at::Tensor& x, const std::vector<int>& ids) {
    if (auto* rcb = dynamic_cast<model::ReLUConvBNImpl*>(&op)) return relu_conv_bn(*rcb, x, ids);
    return op.forward(x);  // per sample (supports() checked it)
  }

  at::Tensor run(const at::Tensor& images);
};

MultiPathForward::MultiPathForward(model::SupernetImpl& net, MultiPathOptions options)
    : impl_(std::make_unique<Impl>(net, options)) {
  if (!supports(net, options.bn))
    throw std::invalid_argument(
        "multi-path scoring: the super-network holds an operation with its own normalisation, which only "
        "path-by-path scoring handles in this BN mode");
}

MultiPathForward::~MultiPathForward() = default;

void MultiPathForward::set_paths(const std::vector<Path>& paths) {
  if (paths.empty()) throw std::invalid_argument("multi-path scoring: no paths");
  for (const auto& p : paths) impl_->net.check_path(p);
  impl_->paths = paths;
  impl_->statistics.clear();
}

std::size_t MultiPathForward::paths() const { return impl_->paths.size(); }

namespace {

// Sets every BN's training flag (which decides SupernetImpl::plan_cell's
// zero rules, as in the path-by-path evaluation) and restores it.
class BnModeScope {
 public:
  BnModeScope(const std::vector<torch::nn::BatchNorm2dImpl*>& bns, bool training) : bns_(bns) {
    for (auto* bn : bns_) {
      saved_.push_back(bn->is_training());
      bn->train(training);
    }
  }
  ~BnModeScope() {
    for (std::size_t i = 0; i < bns_.size(); ++i) bns_[i]->train(saved_[i]);
  }
  BnModeScope(const BnModeScope&) = delete;
  BnModeScope& operator=(const BnModeScope&) = delete;

 private:
  const std::vector<torch::nn::BatchNorm2dImpl*>& bns_;
  std::vector<bool> saved_;
};

}  // namespace

void MultiPathForward::recalibrate(const at::Tensor& images) {
  if (impl_->options.bn != BnMode::Recalibrate)
    throw std::logic_error("multi-path scoring: recalibrate() outside BN mode recalibrate");
  BnModeScope mode(impl_->bns, /*training=*/true);
  impl_->recalibrating = true;
  try {
    impl_->run(images);
  } catch (...) {
    impl_->recalibrating = false;
    throw;
  }
  impl_->recalibrating = false;
}

at::Tensor MultiPathForward::forward(const at::Tensor& images) {
  BnModeScope mode(impl_->bns, /*training=*/impl_->options.bn == BnMode::Batch);
  return impl_->run(images);
}

at::Tensor MultiPathForward::Impl::run(const at::Tensor& images) {
  if (paths.empty()) throw std::logic_error("multi-path scoring: set_paths() first");
  const int k_all = K();
  const int N = net.options().cells_per_stage();
  const int cells = net.num_cells();
  const std::int64_t B = images.size(0);

  // Each path's plan, in the BN mode just set, and the last cell whose output
  // is zero (everything up to it cannot reach the path's logits).
  std::vector<std::vector<model::SupernetImpl::CellPlan>> plans(static_cast<std::size_t>(k_all));
  std::vector<int> start(static_cast<std::size_t>(k_all), -1);
  for (int k = 0; k < k_all; ++k) {
    auto& p = plans[static_cast<std::size_t>(k)];
    for (int c = 0; c < cells; ++c) {
      p.push_back(net.plan_cell(c, paths[static_cast<std::size_t>(k)].cell(c)));
      if (p.back().output_zero) start[static_cast<std::size_t>(k)] = c;
    }
  }
  std::vector<int> all(static_cast<std::size_t>(k_all));
  for (int k = 0; k < k_all; ++k) all[static_cast<std::size_t>(k)] = k;
  const auto rows_of = [&](const std::vector<int>& ids, const at::Tensor& like) {
    std::vector<std::int64_t> rows;
    rows.reserve(ids.size() * static_cast<std::size_t>(B));
    for (int id : ids)
      for (std::int64_t r = 0; r < B; ++r) rows.push_back(id * B + r);
    return at::tensor(rows, at::TensorOptions().dtype(at::kLong).device(like.device()));
  };

  // The stem does not depend on the path: once, then one copy per path (its
  // statistics in Recalibrate are path 0's, the same for every path).
  at::Tensor stem = batch_norm(net.stem_bn(), net.stem_conv().forward(images), {0});
  at::Tensor h = k_all == 1 ? stem : at::cat(std::vector<at::Tensor>(static_cast<std::size_t>(k_all), stem), 0);

  for (int c = 0; c < cells; ++c) {
    if (c > 0 && c % N == 0) {
      model::ResNetReductionImpl& red = net.reduction(c / N - 1);
      at::Tensor residual = red.shortcut_forward(h);
      h = relu_conv_bn(*red.conv_b, relu_conv_bn(*red.conv_a, h, all), all) + residual;
    }
    std::array<at::Tensor, kNumNodes> nodes;
    nodes[0] = h;
    for (int e = 0; e < kNumEdges; ++e) {
      const auto [from, to] = edge_ends(e);
      // The paths that compute this edge, by the operation they chose.
      std::map<Op, std::vector<int>> by_op;
      for (int k = 0; k < k_all; ++k) {
        if (c <= start[static_cast<std::size_t>(k)]) continue;
        if (!plans[static_cast<std::size_t>(k)][static_cast<std::size_t>(c)].computed[e]) continue;
        by_op[paths[static_cast<std::size_t>(k)].cell(c).ops[e]].push_back(k);
      }
      for (const auto& [op, ids] : by_op) {
        // A node no path has written is zero; zero_input paths read zero rows.
        if (!nodes[from].defined()) nodes[from] = at::zeros_like(h);
        const bool whole = ids.size() == all.size();
        const at::Tensor index = whole ? at::Tensor() : rows_of(ids, h);
        const at::Tensor input = whole ? nodes[from] : nodes[from].index_select(0, index);
        at::Tensor y = operation(*net.operation(c, e, op), input, ids);
        // In place: a node tensor is made here (zeros, or the first whole
        // result when it shares no memory with its input: skip_connect
        // returns its input) and never shared; the out-of-place forms copied
        // the whole [K*B, C, H, W] node once per operation group (half the
        // CPU time of batched scoring).
        if (!nodes[to].defined()) {
          if (whole && !y.is_alias_of(input)) {
            nodes[to] = y;
            continue;
          }
          nodes[to] = at::zeros_like(h);
        }
        if (whole)
          nodes[to].add_(y);
        else
          nodes[to].index_add_(0, index, y);
      }
    }
    h = nodes[3].defined() ? nodes[3] : at::zeros_like(h);
  }

  h = at::relu(batch_norm(net.head_bn(), h, all));
  h = h.mean({2, 3});
  return net.classifier().forward(h);
}

}  // namespace spbench::evaluation
