#pragma once
// What the core tells a hook about the moment it is called.

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "spbench/random.hpp"

namespace torch::nn {
class Module;
}

namespace spbench {

struct TrainingContext {
  int phase = 0;         // index into the strategy's schedule
  int network = 0;       // index of the (sub-)super-network being trained
  int epoch = 0;         // global epoch, 0-based, counted over all phases
  int total_epochs = 0;  // over all phases
  int phase_epoch = 0;   // epoch within the phase
  int phase_epochs = 0;
  std::int64_t step = 0;  // optimizer step within the current phase, 0-based (warm-up restarts per phase)
  std::int64_t steps_per_epoch = 0;
  double learning_rate = 0.0;  // the rate the coming optimizer step uses

  torch::nn::Module* model = nullptr;  // the super-network being trained
  // Its parameters that take part in training (the optimizer's parameters).
  const std::vector<at::Tensor>* parameters = nullptr;
  Rng* rng = nullptr;  // the run's generator (checkpointed)
};

struct EvaluationContext {
  int network = 0;
  torch::nn::Module* model = nullptr;
};

}  // namespace spbench
