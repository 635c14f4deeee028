#pragma once
// One SGD update of every parameter group as a handful of multi-tensor
// (`_foreach_*`) operations instead of LibTorch's loop of four or five small
// kernels per parameter.
//
// Why: a C=16/N=5 single-path step updates ~100-200 tensors, so on a GPU the
// per-parameter loop is ~500-1000 kernel launches, as many as the forward and
// backward passes together (issue 16: the step is launch-bound). CUDA runs
// the `_foreach_*` ops as a few fused kernels over chunks of tensors; on the
// CPU they run the same per-tensor kernels as the loop.
//
// The update is torch::optim::SGD::step's, in the same order of operations
// (weight decay added to the gradient, momentum buffer cloned on its first
// step then `buf = m * buf + (1 - dampening) * d_p`, Nesterov `d_p + m * buf`,
// `p -= lr * d_p`), and the momentum buffers live in the optimizer's own state
// under its own keys: checkpoints written and read through the optimizer are
// unchanged, and built-in and foreach steps can be mixed. Parameters without
// a gradient (off the sampled path) are skipped, as by SGD::step.
#include <torch/optim/sgd.h>

namespace spbench {

void sgd_step_foreach(torch::optim::SGD& optimizer);

}  // namespace spbench
