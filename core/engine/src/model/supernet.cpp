#include "spbench/engine/model/supernet.hpp"

#include "spbench/engine/model/relu_observer.hpp"

#include <torch/torch.h>

#include <stdexcept>
#include <string>

#include "spbench/engine/model/operations.hpp"
#include "spbench/engine/plugins/plugin_registry.hpp"

namespace spbench::model {

namespace {

std::string op_label(Op op) { return std::string(op_name(op)); }

}  // namespace

SupernetOptions::SupernetOptions(const NetworkSetup& setup, SearchSpace space)
    : channels_(setup.channels),
      cells_per_stage_(setup.cells_per_stage),
      num_classes_(setup.num_classes),
      input_channels_(setup.input_channels),
      space_(std::move(space)),
      bn_affine_(setup.bn_affine),
      bn_track_running_stats_(setup.bn_track_running_stats),
      dropout_(setup.dropout),
      drop_path_(setup.drop_path) {}

SupernetImpl::SupernetImpl(SupernetOptions options) : options_(std::move(options)) {
  const int C = options_.channels();
  const int N = options_.cells_per_stage();
  if (C <= 0 || N <= 0 || options_.num_classes() <= 0 || options_.input_channels() <= 0)
    throw std::invalid_argument("super-network: channels, cells_per_stage, num_classes and input_channels must be positive");
  if (!(options_.dropout() >= 0.0 && options_.dropout() < 1.0))
    throw std::invalid_argument("super-network: dropout must lie in [0, 1)");
  set_drop_path(options_.drop_path());

  stem_conv_ = register_module(
      "stem_conv",
      std::make_shared<torch::nn::Conv2dImpl>(
          torch::nn::Conv2dOptions(options_.input_channels(), C, 3).padding(1).bias(false)));
  stem_bn_ = register_module("stem_bn", std::make_shared<torch::nn::BatchNorm2dImpl>(C));

  ops_.resize(num_cells());
  for (int c = 0; c < num_cells(); ++c) {
    const int stage = c / N;
    const int channels = C << stage;
    if (c > 0 && c % N == 0) {
      reductions_[stage - 1] = register_module("reduction" + std::to_string(stage),
                                               std::make_shared<ResNetReductionImpl>(channels / 2, channels));
    }
    auto cell = register_module("cell" + std::to_string(c), std::make_shared<torch::nn::Module>("Cell"));
    for (int e = 0; e < kNumEdges; ++e) {
      ops_[c][e].fill(nullptr);
      for (Op op : kAllOps) {
        if (op == Op::None || !options_.space().edge_ops(e).contains(op)) continue;
        const OperationSpec spec{op,       channels, channels, 1, options_.bn_affine(),
                                 options_.bn_track_running_stats()};
        std::shared_ptr<CandidateOp> module;
        if (options_.operation_factory()) module = options_.operation_factory()(spec);
        if (!module) module = make_default_operation(spec);
        cell->register_module("e" + std::to_string(e) + "_" + op_label(op), module);
        ops_[c][e][static_cast<int>(op)] = module.get();
      }
    }
  }

  head_bn_ = register_module("head_bn", std::make_shared<torch::nn::BatchNorm2dImpl>(4 * C));
  classifier_ = register_module("classifier", std::make_shared<torch::nn::LinearImpl>(4 * C, options_.num_classes()));
}

SupernetImpl::~SupernetImpl() = default;

void SupernetImpl::set_drop_path(double p) {
  if (!(p >= 0.0 && p < 1.0)) throw std::invalid_argument("super-network: drop_path must lie in [0, 1)");
  options_.drop_path(p);
}

CandidateOp* SupernetImpl::operation(int cell, int edge, Op op) const {
  return ops_.at(cell).at(edge).at(static_cast<int>(op));
}

void SupernetImpl::check_path(const Path& path) const {
  if (path.cells.size() != 1 && path.cells.size() != static_cast<std::size_t>(num_cells()))
    throw std::invalid_argument("path holds " + std::to_string(path.cells.size()) +
                                " cell architectures; this super-network takes 1 (shared) or " +
                                std::to_string(num_cells()));
  for (std::size_t i = 0; i < path.cells.size(); ++i) {
    const CellArch& arch = path.cells[i];
    for (int e = 0; e < kNumEdges; ++e) {
      const Op op = arch.ops[e];
      if (op != Op::None && ops_[i][e][static_cast<int>(op)] == nullptr)
        throw std::invalid_argument("path uses " + op_label(op) + " on edge " + std::to_string(e) + " of cell " +
                                    std::to_string(i) + ", which this super-network does not hold");
    }
  }
}

SupernetImpl::CellPlan SupernetImpl::plan_cell(int cell, const CellArch& arch) const {
  // live[j]: node j can reach node 3 through non-`none` edges.
  std::array<bool, kNumNodes> live{false, false, false, true};
  for (int e = kNumEdges - 1; e >= 0; --e) {
    const auto [from, to] = edge_ends(e);
    if (arch.ops[e] != Op::None && live[to]) live[from] = true;
  }
  CellPlan plan;
  std::array<bool, kNumNodes> zero{false, true, true, true};
  for (int e = 0; e < kNumEdges; ++e) {  // edges come ordered by target node
    const auto [from, to] = edge_ends(e);
    const Op op = arch.ops[e];
    if (op == Op::None || !live[to]) continue;
    if (zero[from]) {
      if (ops_[cell][e][static_cast<int>(op)]->maps_zero_to_zero()) continue;
      plan.zero_input[e] = true;
    }
    plan.computed[e] = true;
    zero[to] = false;
  }
  plan.output_zero = zero[3];
  return plan;
}

at::Tensor SupernetImpl::drop_path(const at::Tensor& y) const {
  const double keep = 1.0 - options_.drop_path();
  at::Tensor mask = at::empty({y.size(0), 1, 1, 1}, y.options()).bernoulli_(keep).div_(keep);
  return y * mask;
}

at::Tensor SupernetImpl::run_cell(int cell, const CellArch& arch, const CellPlan& plan, const at::Tensor& x) {
  const bool drop = is_training() && options_.drop_path() > 0.0;
  std::array<at::Tensor, kNumNodes> nodes;
  nodes[0] = x;
  at::Tensor zeros;  // created only when an operation must run on a zero node
  for (int e = 0; e < kNumEdges; ++e) {
    if (!plan.computed[e]) continue;
    const auto [from, to] = edge_ends(e);
    CandidateOp* op = ops_[cell][e][static_cast<int>(arch.ops[e])];
    if (plan.zero_input[e] && !zeros.defined()) zeros = at::zeros_like(x);
    at::Tensor y = op->forward(plan.zero_input[e] ? zeros : nodes[from]);
    if (drop) y = drop_path(y);
    nodes[to] = nodes[to].defined() ? nodes[to] + y : std::move(y);
  }
  return nodes[3];
}

at::Tensor SupernetImpl::forward(const at::Tensor& x, const Path& path) {
  check_path(path);
  const int N = options_.cells_per_stage();
  std::vector<CellPlan> plans(num_cells());
  // The last cell with a zero output hides everything before it.
  int start = -1;
  for (int c = 0; c < num_cells(); ++c) {
    plans[c] = plan_cell(c, path.cell(c));
    if (plans[c].output_zero) start = c;
  }

  at::Tensor h;
  if (start < 0) {
    h = stem_bn_->forward(stem_conv_->forward(x));
  } else {
    const int stage = start / N;
    std::int64_t height = x.size(2), width = x.size(3);
    for (int s = 0; s < stage; ++s) height = (height + 1) / 2, width = (width + 1) / 2;
    h = at::zeros({x.size(0), static_cast<std::int64_t>(options_.channels()) << stage, height, width},
                  x.options().memory_format(x.suggest_memory_format()));
  }
  for (int c = start + 1; c < num_cells(); ++c) {
    if (c > 0 && c % N == 0) h = reductions_[c / N - 1]->forward(h);
    h = run_cell(c, path.cell(c), plans[c], h);
  }

  h = head_bn_->forward(h);
  notify_relu_input(h);
  h = at::relu(h);
  h = h.mean({2, 3});
  if (options_.dropout() > 0.0) h = at::dropout(h, options_.dropout(), is_training());
  return classifier_->forward(h);
}

std::vector<at::Tensor> SupernetImpl::parameters_on_path(const Path& path) const {
  check_path(path);
  const int N = options_.cells_per_stage();
  std::vector<CellPlan> plans(num_cells());
  int start = -1;
  for (int c = 0; c < num_cells(); ++c) {
    plans[c] = plan_cell(c, path.cell(c));
    if (plans[c].output_zero) start = c;
  }
  std::vector<at::Tensor> out;
  auto add = [&out](const torch::nn::Module& m) {
    for (const auto& p : m.parameters()) out.push_back(p);
  };
  if (start < 0) {
    add(*stem_conv_);
    add(*stem_bn_);
  }
  for (int c = start + 1; c < num_cells(); ++c) {
    if (c > 0 && c % N == 0) add(*reductions_[c / N - 1]);
    const CellArch& arch = path.cell(c);
    for (int e = 0; e < kNumEdges; ++e)
      if (plans[c].computed[e]) add(*ops_[c][e][static_cast<int>(arch.ops[e])]);
  }
  add(*head_bn_);
  add(*classifier_);
  return out;
}

void SupernetImpl::copy_weights_from(const SupernetImpl& other, WeightCopy mode) {
  using Dict = torch::OrderedDict<std::string, at::Tensor>;
  auto check = [mode](const Dict& dst, const Dict& src, const char* what) {
    if (mode == WeightCopy::SameStructure && dst.size() != src.size())
      throw std::invalid_argument(std::string("copy_weights_from: the networks hold different ") + what + "s (" +
                                  std::to_string(src.size()) + " in the source, " + std::to_string(dst.size()) +
                                  " here)");
    for (const auto& item : dst) {
      const at::Tensor* s = src.find(item.key());
      if (!s)
        throw std::invalid_argument(std::string("copy_weights_from: the source has no ") + what + " '" +
                                    item.key() + "'");
      if (s->sizes() != item.value().sizes())
        throw std::invalid_argument(std::string("copy_weights_from: ") + what + " '" + item.key() +
                                    "' has a different shape in the source");
    }
  };
  auto copy = [](const Dict& dst, const Dict& src) {
    for (const auto& item : dst) item.value().copy_(*src.find(item.key()));
  };
  const Dict dst_params = named_parameters(), src_params = other.named_parameters();
  const Dict dst_buffers = named_buffers(), src_buffers = other.named_buffers();
  // Everything is checked before anything is copied: a failed copy leaves
  // this network untouched.
  check(dst_params, src_params, "parameter");
  check(dst_buffers, src_buffers, "buffer");
  torch::NoGradGuard no_grad;
  copy(dst_params, src_params);
  copy(dst_buffers, src_buffers);
}

SearchSpace single_architecture_space(const CellArch& arch) {
  SearchSpace space;
  for (int e = 0; e < kNumEdges; ++e) space = space.with_edge_fixed(e, arch.ops[e]);
  return space;
}

OperationFactory operation_factory_of(std::shared_ptr<SupernetStrategy> strategy) {
  if (!strategy) return {};
  return [strategy = std::move(strategy)](const OperationSpec& spec) {
    return keep_plugin_library(strategy->make_operation(spec), strategy);
  };
}

Supernet make_stand_alone(const CellArch& arch, const NetworkSetup& setup, OperationFactory factory) {
  return Supernet(SupernetOptions(setup, single_architecture_space(arch)).operation_factory(std::move(factory)));
}

std::int64_t count_parameters(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters())
    if (p.requires_grad()) n += p.numel();
  return n;
}

void zero_gradients(std::vector<at::Tensor>& parameters) {
  for (auto& p : parameters)
    if (p.grad().defined()) p.mutable_grad().zero_();
}

void reset_gradients(std::vector<at::Tensor>& parameters) {
  for (auto& p : parameters)
    if (p.grad().defined()) p.mutable_grad() = at::Tensor();
}

void reset_gradients(torch::nn::Module& module) {
  auto params = module.parameters();
  reset_gradients(params);
}

}  // namespace spbench::model
