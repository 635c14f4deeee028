#include "spbench/engine/evaluation/evaluator.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "spbench/engine/data/loader.hpp"
#include "spbench/engine/evaluation/multi_path.hpp"
#include "spbench/util/progress.hpp"
#include "spbench/engine/training/precision.hpp"
#include "spbench/util/fault_injection.hpp"

namespace spbench::evaluation {

using BnMode = EvaluationSpec::BnMode;

double chance_accuracy(int classes) { return 100.0 / classes; }
double chance_loss(int classes) { return std::log(static_cast<double>(classes)); }

EvaluationConfig evaluation_config_of(const ExperimentSpec& spec, c10::Device device) {
  EvaluationConfig c;
  c.bn = spec.evaluation.bn;
  c.recalibrate_batches = spec.evaluation.recalibrate_batches;
  c.recalibrate_momentum = spec.evaluation.recalibrate_momentum;
  c.recalibrate_reset = spec.evaluation.recalibrate_reset;
  c.batches = spec.evaluation.batches;
  c.batch_size = spec.evaluation.batch_size;
  c.device = device;
  c.precision = std::string(setting_name(spec.precision));
  c.channels_last = spec.channels_last;
  c.paths_per_batch = spec.evaluation.paths_per_batch;
  return c;
}

std::size_t EvaluationPlan::runs() const {
  std::size_t n = 0;
  for (const auto& g : groups) n += g.network >= 0;
  return n;
}

namespace {

std::vector<torch::nn::BatchNorm2dImpl*> batch_norms(model::SupernetImpl& net) {
  std::vector<torch::nn::BatchNorm2dImpl*> out;
  for (const auto& m : net.modules(/*include_self=*/false))
    if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) out.push_back(bn);
  return out;
}

void set_bn_training(const std::vector<torch::nn::BatchNorm2dImpl*>& bns, bool on) {
  for (auto* bn : bns) bn->train(on);
}

// Whether every candidate operation of `net` maps zero to zero in the mode
// its BatchNorm has while architectures are scored (Running: eval mode;
// Batch: batch statistics; Recalibrate: the mode in which statistics are
// re-estimated, see evaluator.hpp). Recalibration without a reset starts
// from the trained statistics, so an operation skipped on zeros keeps them:
// that is the Running case.
bool zero_rule_exact(model::SupernetImpl& net, BnMode mode, bool recalibrate_reset) {
  if (mode == BnMode::Recalibrate && !recalibrate_reset) mode = BnMode::Running;
  const bool was_training = net.is_training();
  net.eval();
  auto bns = batch_norms(net);
  if (mode != BnMode::Running) set_bn_training(bns, true);
  bool exact = true;
  for (int c = 0; c < net.num_cells() && exact; ++c)
    for (int e = 0; e < kNumEdges && exact; ++e)
      for (Op op : kAllOps)
        if (auto* m = net.operation(c, e, op); m && !m->maps_zero_to_zero()) {
          exact = false;
          break;
        }
  net.train(was_training);
  return exact;
}

std::vector<Batch> load_batches(const data::ImageDataset& data, std::int64_t batch_size, std::int64_t count,
                                const EvaluationConfig& config) {
  data::LoaderOptions lo = data::eval_loader_options(batch_size);
  lo.device = config.device;
  if (config.channels_last) lo.memory_format = at::MemoryFormat::ChannelsLast;
  data::BatchLoader loader(data, lo);
  const std::int64_t n = count <= 0 ? loader.num_batches() : std::min(count, loader.num_batches());
  std::vector<Batch> out;
  for (std::int64_t i = 0; i < n; ++i) out.push_back(loader.batch(0, i));
  return out;
}

}  // namespace

EvaluationPlan plan_evaluation(const std::vector<CellArch>& archs, const ScoringNetworks& networks,
                               const EvaluationConfig& config) {
  EvaluationPlan plan;
  plan.architectures = archs.size();
  // The module handles share their networks; the check only toggles modes and restores them.
  for (auto net : networks.networks) plan.zero_rule.push_back(zero_rule_exact(*net, config.bn, config.recalibrate_reset));
  SupernetStrategy fallback;
  const SupernetStrategy& strategy = networks.strategy ? *networks.strategy : fallback;

  std::vector<int> order(archs.size());
  std::vector<int> index(archs.size());
  for (std::size_t i = 0; i < archs.size(); ++i) order[i] = static_cast<int>(i), index[i] = nb201_index(archs[i]);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return index[a] < index[b]; });

  std::map<std::pair<int, CellArch>, std::size_t> group_of;
  for (int pos : order) {
    const CellArch& arch = archs[pos];
    int network = -1;
    CellArch reduced = arch;
    if (has_input_output_path(arch)) {
      network = strategy.route(arch, networks.info);
      if (network < 0 || network >= static_cast<int>(networks.networks.size()))
        throw std::invalid_argument(fmt::format("no super-network scores {} (the strategy routed it to {})",
                                                arch.to_string(), network));
      if (config.share_equivalent) reduced = functional_reduction(arch, plan.zero_rule[network]);
    } else {
      reduced = CellArch{};  // all `none`: every no-path architecture shares the chance result
    }
    const bool share = config.share_equivalent || network < 0;
    auto key = std::make_pair(network, reduced);
    auto it = share ? group_of.find(key) : group_of.end();
    if (it == group_of.end()) {
      plan.groups.push_back(EvaluationGroup{network, reduced, {}});
      if (share) group_of.emplace(key, plan.groups.size() - 1);
      plan.groups.back().members.push_back(pos);
    } else {
      plan.groups[it->second].members.push_back(pos);
    }
  }
  return plan;
}

EvaluationPlan shard_plan(const EvaluationPlan& plan, int shard, int shards) {
  if (shards < 1 || shard < 0 || shard >= shards)
    throw std::invalid_argument(fmt::format("shard {}/{}: expected 0 <= i < n", shard, shards));
  EvaluationPlan out;
  out.zero_rule = plan.zero_rule;
  for (std::size_t g = 0; g < plan.groups.size(); ++g)
    if (static_cast<int>(g % static_cast<std::size_t>(shards)) == shard) {
      out.groups.push_back(plan.groups[g]);
      out.architectures += plan.groups[g].members.size();
    }
  return out;
}

struct Evaluator::Impl {
  std::vector<Batch> valid;
  std::vector<Batch> recalibration;
  std::int64_t valid_images = 0;
  std::int64_t recalibration_images = 0;
  int num_classes = 10;
};

Evaluator::Evaluator(ScoringNetworks networks, const data::ImageDataset& valid, const data::ImageDataset* train,
                     EvaluationConfig config)
    : impl_(std::make_unique<Impl>()), networks_(std::move(networks)), config_(std::move(config)) {
  if (networks_.networks.size() != networks_.info.size())
    throw std::invalid_argument("Evaluator: networks and their descriptions differ in number");
  impl_->num_classes = valid.num_classes;
  impl_->valid = load_batches(valid, config_.batch_size, config_.batches, config_);
  for (const auto& b : impl_->valid) impl_->valid_images += b.images.size(0);
  if (config_.bn == BnMode::Recalibrate) {
    if (!train) throw std::invalid_argument("Evaluator: BN recalibration needs the training split");
    if (config_.recalibrate_batches < 1) throw std::invalid_argument("Evaluator: recalibrate needs R >= 1 batches");
    impl_->recalibration = load_batches(*train, config_.batch_size, config_.recalibrate_batches, config_);
    for (const auto& b : impl_->recalibration) impl_->recalibration_images += b.images.size(0);
  }
}

Evaluator::~Evaluator() = default;

std::int64_t Evaluator::validation_images() const { return impl_->valid_images; }

std::vector<ArchitectureResult> Evaluator::evaluate(const std::vector<CellArch>& archs) {
  return evaluate(archs, plan_evaluation(archs, networks_, config_));
}

namespace {

// The variants' before_evaluation/after_evaluation as a pair: every variant
// whose before_evaluation returned gets its after_evaluation, also when
// scoring (or a later variant's before_evaluation) throws, so that weights a
// variant swapped in (EMA) never stay in the trained network.
class EvaluationHooks {
 public:
  EvaluationHooks(const std::vector<std::shared_ptr<TrainingVariant>>& variants, EvaluationContext& ctx)
      : variants_(variants), ctx_(ctx) {
    try {
      for (const auto& v : variants_) {
        v->before_evaluation(ctx_);
        ++entered_;
      }
    } catch (...) {
      // A throwing constructor runs no destructor: undo the entered ones here.
      unwind();
      throw;
    }
  }
  EvaluationHooks(const EvaluationHooks&) = delete;
  EvaluationHooks& operator=(const EvaluationHooks&) = delete;

  // The normal end: after_evaluation in list order; an exception from one
  // propagates, and the destructor still calls those after it.
  void finish() {
    while (done_ < entered_) variants_[done_++]->after_evaluation(ctx_);
  }

  // Unwinding: the remaining after_evaluation calls, their own exceptions
  // dropped (the first one is already on its way).
  ~EvaluationHooks() { unwind(); }

 private:
  void unwind() noexcept {
    while (done_ < entered_) {
      try {
        variants_[done_++]->after_evaluation(ctx_);
      } catch (...) {
      }
    }
  }

  const std::vector<std::shared_ptr<TrainingVariant>>& variants_;
  EvaluationContext& ctx_;
  std::size_t entered_ = 0;
  std::size_t done_ = 0;
};

}  // namespace

std::size_t Evaluator::paths_per_pass(model::SupernetImpl& net, std::size_t groups) const {
  if (config_.paths_per_batch == 1 || groups <= 1 || !MultiPathForward::supports(net, config_.bn)) return 1;
  if (config_.paths_per_batch > 1) return static_cast<std::size_t>(config_.paths_per_batch);
  // The CPU is not bound by kernel launches, and K paths' activations leave
  // the caches: measured 3.5x slower there (bench/README.md, "Evaluation"),
  // so the default stays path by path unless a budget is given.
  if (config_.device.is_cpu() && config_.multi_path_budget_bytes <= 0) return 1;
  // From memory: a pass holds about a dozen activations of the first stage's
  // size per path (the cell's four nodes, gathered inputs, an operation's
  // intermediates); the later stages are smaller.
  const std::int64_t budget =
      config_.multi_path_budget_bytes > 0 ? config_.multi_path_budget_bytes : (std::int64_t{8} << 30);
  std::int64_t pixels = 32 * 32;
  if (!impl_->valid.empty()) pixels = impl_->valid.front().images.size(2) * impl_->valid.front().images.size(3);
  const std::int64_t per_path =
      12 * config_.batch_size * static_cast<std::int64_t>(net.options().channels()) * pixels * 4;
  const std::int64_t k = std::max<std::int64_t>(1, std::min<std::int64_t>(64, budget / std::max<std::int64_t>(1, per_path)));
  return static_cast<std::size_t>(std::min<std::int64_t>(k, static_cast<std::int64_t>(groups)));
}

std::vector<ArchitectureResult> Evaluator::evaluate(const std::vector<CellArch>& archs, const EvaluationPlan& plan) {
  const auto start = std::chrono::steady_clock::now();
  const int classes = impl_->num_classes;
  std::vector<ArchitectureResult> results;
  results.reserve(plan.architectures);
  auto emit = [&](const EvaluationGroup& g, double accuracy, double loss) {
    const int representative = nb201_index(archs.at(g.members.front()));
    for (std::size_t m = 0; m < g.members.size(); ++m) {
      ArchitectureResult r;
      r.arch = archs.at(g.members[m]);
      r.index = nb201_index(r.arch);
      r.network = g.network;
      r.accuracy = accuracy;
      r.loss = loss;
      r.source = g.network < 0 ? ResultSource::NoPath : (m == 0 ? ResultSource::Evaluated : ResultSource::Shared);
      r.representative = g.network < 0 ? -1 : representative;
      results.push_back(r);
    }
  };

  std::map<int, std::vector<const EvaluationGroup*>> by_network;
  for (const auto& g : plan.groups) {
    if (g.network < 0) emit(g, chance_accuracy(classes), chance_loss(classes));
    else by_network[g.network].push_back(&g);
  }

  std::size_t runs_total = 0;
  for (const auto& [n, gs] : by_network) runs_total += gs.size();
  auto sink = config_.sink ? config_.sink : [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  Progress progress("evaluating", static_cast<std::int64_t>(runs_total), config_.progress_every, config_.progress_bar, sink);
  PrecisionGuard precision(config_.precision, config_.device);
  const bool recalibrate = config_.bn == BnMode::Recalibrate;
  std::size_t done = 0;

  for (const auto& [n, groups] : by_network) {
    model::Supernet& net = networks_.networks[static_cast<std::size_t>(n)];
    const bool was_training = net->is_training();
    EvaluationContext ctx;
    ctx.network = n;
    ctx.model = net.ptr().get();
    EvaluationHooks hooks(networks_.variants, ctx);

    torch::NoGradGuard no_grad;
    net->eval();
    auto bns = batch_norms(*net);
    // The statistics every architecture starts from, restored afterwards.
    std::vector<std::array<at::Tensor, 3>> saved;
    for (auto* bn : bns)
      saved.push_back({bn->running_mean.defined() ? bn->running_mean.clone() : at::Tensor(),
                       bn->running_var.defined() ? bn->running_var.clone() : at::Tensor(),
                       bn->num_batches_tracked.defined() ? bn->num_batches_tracked.clone() : at::Tensor()});
    auto restore = [&] {
      for (std::size_t i = 0; i < bns.size(); ++i) {
        if (saved[i][0].defined()) bns[i]->running_mean.copy_(saved[i][0]);
        if (saved[i][1].defined()) bns[i]->running_var.copy_(saved[i][1]);
        if (saved[i][2].defined()) bns[i]->num_batches_tracked.copy_(saved[i][2]);
      }
    };
    std::vector<c10::optional<double>> momenta;
    for (auto* bn : bns) momenta.push_back(bn->options.momentum());
    if (config_.bn == BnMode::Batch) set_bn_training(bns, true);

    const std::size_t k_paths = paths_per_pass(*net, groups.size());
    stats_.paths_per_pass = std::max(stats_.paths_per_pass, k_paths);
    if (k_paths > 1) {
      // Several paths per forward pass (multi_path.hpp): the trained buffers
      // are never touched, so nothing needs restoring between architectures.
      MultiPathOptions mo;
      mo.bn = config_.bn;
      mo.recalibrate_momentum = config_.recalibrate_momentum;
      mo.recalibrate_reset = config_.recalibrate_reset;
      MultiPathForward multi(*net, mo);
      for (std::size_t first = 0; first < groups.size(); first += k_paths) {
        const std::size_t count = std::min(k_paths, groups.size() - first);
        std::vector<Path> paths;
        for (std::size_t i = 0; i < count; ++i) paths.push_back(Path::shared(archs.at(groups[first + i]->members.front())));
        multi.set_paths(paths);
        const std::int64_t K = static_cast<std::int64_t>(count);
        if (recalibrate)
          for (const auto& b : impl_->recalibration) {
            auto scope = precision.forward_scope();
            multi.recalibrate(b.images);
          }
        at::Tensor loss_sum = at::zeros({K}, at::TensorOptions().dtype(at::kDouble).device(config_.device));
        at::Tensor correct = at::zeros({K}, at::TensorOptions().dtype(at::kLong).device(config_.device));
        for (const auto& b : impl_->valid) {
          at::Tensor logits;
          {
            auto scope = precision.forward_scope();
            logits = multi.forward(b.images);
          }
          logits = logits.to(at::kFloat);
          const at::Tensor labels = b.labels.repeat({K});
          const std::int64_t B = b.images.size(0);
          loss_sum += at::cross_entropy_loss(logits, labels, {}, at::Reduction::None).view({K, B}).sum(1).to(at::kDouble);
          correct += logits.argmax(1).eq(labels).view({K, B}).sum(1);
        }
        const at::Tensor loss_cpu = loss_sum.cpu(), correct_cpu = correct.cpu();
        const double images = static_cast<double>(impl_->valid_images);
        for (std::size_t i = 0; i < count; ++i) {
          emit(*groups[first + i], 100.0 * static_cast<double>(correct_cpu[static_cast<std::int64_t>(i)].item<std::int64_t>()) / images,
               loss_cpu[static_cast<std::int64_t>(i)].item<double>() / images);
          stats_.images += impl_->valid_images + impl_->recalibration_images;
          progress.update(static_cast<std::int64_t>(++done));
          fault_point("evaluation");
        }
      }
    }
    for (std::size_t gi = 0; k_paths <= 1 && gi < groups.size(); ++gi) {
      const EvaluationGroup* g = groups[gi];
      const Path path = Path::shared(archs.at(g->members.front()));
      if (recalibrate) {
        // Every architecture starts from the trained statistics (restored
        // after the previous one), as UniNAS reloads the weights per
        // architecture; `reset` zeroes them first.
        const c10::optional<double> momentum =
            config_.recalibrate_momentum < 0 ? c10::nullopt : c10::optional<double>(config_.recalibrate_momentum);
        for (std::size_t i = 0; i < bns.size(); ++i) {
          if (config_.recalibrate_reset && bns[i]->options.track_running_stats()) bns[i]->reset_running_stats();
          bns[i]->options.momentum(momentum);  // None: cumulative average over the R batches
          bns[i]->train(true);
        }
        for (const auto& b : impl_->recalibration) {
          auto scope = precision.forward_scope();
          net->forward(b.images, path);
        }
        for (std::size_t i = 0; i < bns.size(); ++i) {
          bns[i]->options.momentum(momenta[i]);
          bns[i]->train(false);
        }
      }
      at::Tensor loss_sum = at::zeros({}, at::TensorOptions().dtype(at::kDouble).device(config_.device));
      at::Tensor correct = at::zeros({}, at::TensorOptions().dtype(at::kLong).device(config_.device));
      for (const auto& b : impl_->valid) {
        at::Tensor logits;
        {
          auto scope = precision.forward_scope();
          logits = net->forward(b.images, path);
        }
        logits = logits.to(at::kFloat);
        loss_sum += at::cross_entropy_loss(logits, b.labels, {}, at::Reduction::Sum).to(at::kDouble);
        correct += logits.argmax(1).eq(b.labels).sum();
      }
      if (recalibrate) restore();
      const double images = static_cast<double>(impl_->valid_images);
      emit(*g, 100.0 * static_cast<double>(correct.item<std::int64_t>()) / images, loss_sum.item<double>() / images);
      stats_.images += impl_->valid_images + impl_->recalibration_images;
      progress.update(static_cast<std::int64_t>(++done));
      fault_point("evaluation");  // SPBENCH_FAULT: a kill in the middle of scoring
    }
    restore();
    set_bn_training(bns, false);
    net->train(was_training);
    hooks.finish();
  }
  progress.finish(fmt::format("{} architectures from {} runs", plan.architectures, runs_total));

  std::sort(results.begin(), results.end(),
            [](const ArchitectureResult& a, const ArchitectureResult& b) { return a.index < b.index; });
  stats_.architectures += results.size();
  stats_.runs += runs_total;
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return results;
}

}  // namespace spbench::evaluation
