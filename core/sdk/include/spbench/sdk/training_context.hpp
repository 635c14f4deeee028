#pragma once
// What the core tells a hook about the moment it is called.

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "spbench/sdk/random.hpp"

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
  // The rate of the step under way (or, in on_epoch_begin, the epoch's first
  // step): the schedule's rate in transform_batch, loss and learning_rate
  // (the variants' learning_rate hooks have not adjusted it yet), the rate
  // the optimizer uses from before_optimizer_step on; in on_epoch_end the
  // last step's. 0 in on_train_begin.
  double learning_rate = 0.0;

  // Every (sub-)super-network of the run, indexed like the strategy's
  // partition; set in every hook, on_train_begin included.
  const std::vector<torch::nn::Module*>* networks = nullptr;
  // The super-network being trained; null in on_train_begin (no phase is
  // under way yet).
  torch::nn::Module* model = nullptr;
  // Its parameters that take part in training (the optimizer's parameters);
  // null in on_train_begin.
  const std::vector<at::Tensor>* parameters = nullptr;
  Rng* rng = nullptr;  // the run's generator (checkpointed)
  // The drop-path rate of the epoch under way (training only; every computed
  // edge output, a sampled skip_connect included, is dropped per sample with
  // this probability). on_epoch_begin may change it: the core applies the
  // value to the network after the hooks, for that epoch (a per-epoch ramp,
  // cogsys-tuebingen/uninas uninas/training/regularizers/drop.py). Starts
  // each epoch at RunSetup's network.drop_path.
  double drop_path = 0.0;
};

struct EvaluationContext {
  int network = 0;
  torch::nn::Module* model = nullptr;
};

}  // namespace spbench
