#pragma once
// Observing the inputs of the network's ReLUs (NAS-Bench-201 cells,
// reductions and head), for scores computed from activation patterns such as
// NASWOT (Mellor et al.). LibTorch modules have no forward hooks; the
// network's ReLUs report here instead. Costs one thread-local check per ReLU
// when nobody observes.

#include <ATen/core/Tensor.h>

#include <functional>

namespace spbench::model {

using ReluObserver = std::function<void(const at::Tensor& relu_input)>;

// While alive, every ReLU of a model::Supernet forward pass on this thread
// calls `observer` with its input, in the order they run. Nests: the previous
// observer is restored on destruction.
class ScopedReluObserver {
 public:
  explicit ScopedReluObserver(ReluObserver observer);
  ~ScopedReluObserver();
  ScopedReluObserver(const ScopedReluObserver&) = delete;
  ScopedReluObserver& operator=(const ScopedReluObserver&) = delete;

 private:
  ReluObserver observer_;
  const ReluObserver* previous_;
};

// Called by the network's modules with each ReLU input.
void notify_relu_input(const at::Tensor& x);

}  // namespace spbench::model
