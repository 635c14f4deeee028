#pragma once
// Scoring K paths of one super-network in one forward pass
// (docs/evaluation.md, "Several paths per forward pass").
//
// The K paths see the same input batch. Their rows are stacked along the
// batch dimension, path k at rows [k·B, (k+1)·B), and every edge runs each
// operation once on the rows of the paths that chose it: the weights are the
// super-network's, shared by all paths, so an operation on the stacked rows
// is the same convolution over a larger batch. What must stay per path is
// BatchNorm wherever it normalises with statistics of the data it sees:
//   Running      every BN uses the trained running statistics (eval mode):
//                nothing is per path, any operation module runs as it is;
//   Batch        every BN normalises each path's rows with that path's own
//                batch statistics;
//   Recalibrate  every BN keeps running statistics per path, reset (or
//                copied from the trained ones) and re-estimated on the R
//                recalibration batches exactly as BatchNorm2d updates its
//                buffers (cumulative average, or the given momentum); the
//                scoring pass then uses each path's own statistics. The
//                trained network's buffers are never touched.
// The stem does not depend on the path: it runs once per input batch.
// Dead edges, zero nodes and zero cell outputs follow SupernetImpl's plan for
// each path, so each path's logits equal its own forward pass's up to
// floating-point rounding (tests/unit/test_evaluation_multi_path.cpp).
//
// In Batch and Recalibrate modes the BatchNorm of the cell operations is
// computed here, so only operations whose BatchNorm this code knows are
// allowed: ReLUConvBN (nor_conv_*), avg_pool_3x3, skip_connect and any
// module without a BatchNorm inside (linear transformers). supports() says
// whether a network qualifies; the evaluator scores the others path by path.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "spbench/engine/model/supernet.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"
#include "spbench/sdk/path.hpp"

namespace spbench::evaluation {

struct MultiPathOptions {
  EvaluationSpec::BnMode bn = EvaluationSpec::BnMode::Running;
  double recalibrate_momentum = -1.0;  // < 0: cumulative average (momentum None)
  bool recalibrate_reset = true;
};

class MultiPathForward {
 public:
  // Whether `net` can be scored several paths at a time in `mode`.
  static bool supports(const model::SupernetImpl& net, EvaluationSpec::BnMode mode);

  // Throws std::invalid_argument when !supports(net, options.bn).
  MultiPathForward(model::SupernetImpl& net, MultiPathOptions options);
  ~MultiPathForward();

  // Starts a new set of paths: forgets the per-path statistics of the last
  // set. Every path must be one net.forward() accepts.
  void set_paths(const std::vector<Path>& paths);
  std::size_t paths() const;

  // Recalibrate: one batch of the R re-estimation batches, run through every
  // path with batch statistics, updating each path's running statistics.
  void recalibrate(const at::Tensor& images);

  // Logits [K·B, classes] of `images` [B, …] under every path, path k at
  // rows [k·B, (k+1)·B). No autograd graph is built by the caller's guard.
  at::Tensor forward(const at::Tensor& images);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spbench::evaluation
