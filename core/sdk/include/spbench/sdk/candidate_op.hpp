#pragma once
// The interface every candidate operation of a super-network edge implements.
//
// The super-network calls candidates through this interface (one virtual
// call) rather than torch::nn::AnyModule, whose type-erased forward boxes
// arguments and results: the training step runs hundreds of these calls, and
// small networks are dominated by such per-call overhead.
//
// Strategies that supply their own operation (SupernetStrategy::
// make_operation) return a module derived from CandidateOp.

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <string>

namespace spbench::model {

class CandidateOp : public torch::nn::Module {
 public:
  CandidateOp() = default;
  explicit CandidateOp(const std::string& name) : torch::nn::Module(name) {}

  // [B, C_in, H, W] → [B, C_out, H/stride, W/stride].
  virtual at::Tensor forward(const at::Tensor& x) = 0;

  // True when forward(0) is exactly 0 in the module's current mode and
  // running it on zeros changes nothing worth keeping, so the super-network
  // may skip it on an edge whose input node received only `none`. The
  // conservative default makes the super-network run the operation on an
  // actual zero tensor.
  virtual bool maps_zero_to_zero() const { return false; }
};

}  // namespace spbench::model
