#include "spbench/engine/training/foreach_sgd.hpp"

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace spbench {

namespace {

// The optimizer's state is keyed by the parameter's TensorImpl: as its
// address in text up to LibTorch 1.13, as the pointer itself in 2.x.
using StateMap = std::decay_t<decltype(std::declval<torch::optim::SGD&>().state())>;
using StateKey = typename StateMap::key_type;

// A template, so that only the branch of the LibTorch at hand is compiled.
template <typename Key>
Key state_key_as(const at::Tensor& p) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream text;  // what c10::guts::to_string writes
    text << p.unsafeGetTensorImpl();
    return text.str();
  } else {
    return static_cast<Key>(p.unsafeGetTensorImpl());
  }
}

StateKey state_key(const at::Tensor& p) { return state_key_as<StateKey>(p); }

}  // namespace

void sgd_step_foreach(torch::optim::SGD& optimizer) {
  torch::NoGradGuard no_grad;
  auto& state = optimizer.state();
  for (auto& group : optimizer.param_groups()) {
    const auto& options = static_cast<const torch::optim::SGDOptions&>(group.options());
    const double weight_decay = options.weight_decay();
    const double momentum = options.momentum();
    const double dampening = options.dampening();

    std::vector<at::Tensor> params, grads;
    for (const auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      params.push_back(p);
      grads.push_back(p.grad());
    }
    if (params.empty()) continue;

    std::vector<at::Tensor> d_p = weight_decay != 0 ? at::_foreach_add(grads, params, weight_decay) : grads;
    if (momentum != 0) {
      // Buffers that exist are updated in one go; the others start as d_p.
      std::vector<at::Tensor> old_bufs, old_d_p, bufs(params.size());
      for (std::size_t i = 0; i < params.size(); ++i) {
        const StateKey key = state_key(params[i]);
        auto it = state.find(key);
        if (it == state.end()) {
          bufs[i] = torch::clone(d_p[i]).detach();
          auto s = std::make_unique<torch::optim::SGDParamState>();
          s->momentum_buffer(bufs[i]);
          state[key] = std::move(s);
        } else {
          bufs[i] = static_cast<torch::optim::SGDParamState&>(*it->second).momentum_buffer();
          old_bufs.push_back(bufs[i]);
          old_d_p.push_back(d_p[i]);
        }
      }
      if (!old_bufs.empty()) {
        at::_foreach_mul_(old_bufs, momentum);
        at::_foreach_add_(old_bufs, old_d_p, 1 - dampening);
      }
      d_p = options.nesterov() ? at::_foreach_add(d_p, bufs, momentum) : bufs;
    }
    at::_foreach_add_(params, d_p, -1 * options.lr());
  }
}

}  // namespace spbench
