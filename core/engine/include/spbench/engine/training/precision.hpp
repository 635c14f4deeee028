#pragma once
// Mixed precision for a training step: `fp32` (nothing), `bf16` (autocast to
// bfloat16 on CPU or CUDA), `fp16-amp` (autocast to float16 with dynamic loss
// scaling; CUDA only, as float16 kernels on CPU are slow or missing).

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <string>
#include <vector>

namespace spbench {

class PrecisionGuard {
 public:
  // Throws std::invalid_argument for an unknown mode or one the device cannot run.
  PrecisionGuard(const std::string& precision, c10::Device device);

  // Autocast is on while a Scope lives (the forward pass and the loss).
  class Scope {
   public:
    Scope(bool enabled, c10::DeviceType device, at::ScalarType dtype);
    ~Scope();
    Scope(Scope&& other) noexcept;
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    bool enabled_;
    c10::DeviceType device_;
    bool previous_ = false;
    at::ScalarType previous_dtype_;
  };
  Scope forward_scope() const;

  // loss.backward(), scaled for fp16-amp.
  void backward(const at::Tensor& loss) const;
  // Divides the gradients by the loss scale (fp16-amp), before clipping.
  void unscale(std::vector<at::Tensor>& parameters) const;
  // fp16-amp: false (and the scale halves) when a gradient overflowed; the
  // scale doubles after 2000 clean steps. Always true otherwise.
  bool step_allowed(std::vector<at::Tensor>& parameters);

  bool enabled() const { return enabled_; }

 private:
  bool enabled_ = false;
  bool scaled_ = false;
  c10::DeviceType device_;
  at::ScalarType dtype_ = at::kFloat;
  double scale_ = 65536.0;
  int clean_steps_ = 0;
};

}  // namespace spbench
