#pragma once
// The mutable description of a run that training variants may adjust before
// any network or optimizer exists (TrainingVariant::configure). The core
// fills it from the spec, lets each variant change it in list order, then
// builds networks, optimizer and schedule from the result.

#include <cstdint>
#include <string>

#include "spbench/sdk/search_space.hpp"

namespace spbench {

struct NetworkSetup {
  int channels = 16;        // C: channels of the first stage (2C, 4C after reductions)
  int cells_per_stage = 5;  // N
  int num_classes = 10;
  int input_channels = 3;
  bool bn_affine = true;               // learnable BN scale and shift
  bool bn_track_running_stats = true;  // keep running statistics for evaluation
  double dropout = 0.0;                // before the classifier
  double drop_path = 0.0;              // per-sample drop probability of each computed edge output (training only)
};

struct OptimizerSetup {
  double learning_rate = 0.025;
  double min_learning_rate = 0.0;  // cosine floor
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 5e-4;
  bool weight_decay_on_bn_and_bias = true;  // false: BN and bias parameters get no decay
};

struct RunSetup {
  SearchSpace space;
  NetworkSetup network;
  OptimizerSetup optimizer;
  // false: every cell gets its own architecture in training (the sampler is
  // asked for per-cell paths); evaluation still puts one cell everywhere.
  bool topology_sharing = true;
  int epochs = 1;
  int batch_size = 64;
  std::uint64_t seed = 0;
};

}  // namespace spbench
