#pragma once
// One training or evaluation batch as the hooks see it.

#include <ATen/core/Tensor.h>

namespace spbench {

struct Batch {
  at::Tensor images;  // [B, C, H, W] float, normalised, on the run's device
  at::Tensor labels;  // [B] int64 class indices
  // Optional [B, classes] target distribution. When defined the core's loss
  // is the soft-target cross entropy -Σ t·log softmax(z); variants that mix
  // or smooth labels (mixup, label smoothing) set it.
  at::Tensor soft_targets;
};

}  // namespace spbench
