#include "spbench/engine/training/precision.hpp"

#include <c10/core/GradMode.h>  // c10::NoGradGuard: ATen/ATen.h stopped exporting at::NoGradGuard in LibTorch 2.x
#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>
#include <fmt/format.h>
#include <torch/version.h>

#include <stdexcept>

namespace spbench {

// LibTorch 2.4 replaced the per-device autocast switches with functions that
// take the device type; both spellings are needed to build against any LibTorch.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define SPBENCH_AUTOCAST_BY_DEVICE 1
#endif

namespace {

bool autocast_enabled(c10::DeviceType d) {
#ifdef SPBENCH_AUTOCAST_BY_DEVICE
  return at::autocast::is_autocast_enabled(d);
#else
  return d == c10::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

void set_autocast(c10::DeviceType d, bool on) {
#ifdef SPBENCH_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_enabled(d, on);
#else
  if (d == c10::kCUDA)
    at::autocast::set_enabled(on);
  else
    at::autocast::set_cpu_enabled(on);
#endif
}

at::ScalarType autocast_dtype(c10::DeviceType d) {
#ifdef SPBENCH_AUTOCAST_BY_DEVICE
  return at::autocast::get_autocast_dtype(d);
#else
  return d == c10::kCUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void set_autocast_dtype(c10::DeviceType d, at::ScalarType t) {
#ifdef SPBENCH_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_dtype(d, t);
#else
  if (d == c10::kCUDA)
    at::autocast::set_autocast_gpu_dtype(t);
  else
    at::autocast::set_autocast_cpu_dtype(t);
#endif
}

}  // namespace

PrecisionGuard::PrecisionGuard(const std::string& precision, c10::Device device) : device_(device.type()) {
  if (precision == "fp32") return;
  if (device_ != c10::kCPU && device_ != c10::kCUDA)
    throw std::invalid_argument(fmt::format("precision '{}' is supported on cpu and cuda only", precision));
  if (precision == "bf16") {
    enabled_ = true;
    dtype_ = at::kBFloat16;
  } else if (precision == "fp16-amp") {
    if (device_ != c10::kCUDA)
      throw std::invalid_argument("precision 'fp16-amp' needs a CUDA device; use bf16 or fp32 on the CPU");
    enabled_ = true;
    scaled_ = true;
    dtype_ = at::kHalf;
  } else {
    throw std::invalid_argument(fmt::format("unknown precision '{}' (expected fp32, bf16 or fp16-amp)", precision));
  }
}

PrecisionGuard::Scope::Scope(bool enabled, c10::DeviceType device, at::ScalarType dtype)
    : enabled_(enabled), device_(device), previous_dtype_(dtype) {
  if (!enabled_) return;
  previous_ = autocast_enabled(device_);
  previous_dtype_ = autocast_dtype(device_);
  set_autocast(device_, true);
  set_autocast_dtype(device_, dtype);
  at::autocast::increment_nesting();
}

PrecisionGuard::Scope::Scope(Scope&& other) noexcept
    : enabled_(other.enabled_), device_(other.device_), previous_(other.previous_),
      previous_dtype_(other.previous_dtype_) {
  other.enabled_ = false;
}

PrecisionGuard::Scope::~Scope() {
  if (!enabled_) return;
  // Cached casts of the weights must not outlive the step that made them.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast(device_, previous_);
  set_autocast_dtype(device_, previous_dtype_);
}

PrecisionGuard::Scope PrecisionGuard::forward_scope() const { return Scope(enabled_, device_, dtype_); }

void PrecisionGuard::backward(const at::Tensor& loss) const {
  if (scaled_)
    (loss * scale_).backward();
  else
    loss.backward();
}

void PrecisionGuard::unscale(std::vector<at::Tensor>& parameters) const {
  if (!scaled_) return;
  c10::NoGradGuard no_grad;
  for (auto& p : parameters)
    if (p.grad().defined()) p.mutable_grad().div_(scale_);
}

bool PrecisionGuard::step_allowed(std::vector<at::Tensor>& parameters) {
  if (!scaled_) return true;
  c10::NoGradGuard no_grad;
  bool finite = true;
  for (auto& p : parameters)
    if (p.grad().defined() && !p.grad().isfinite().all().item<bool>()) {
      finite = false;
      break;
    }
  if (!finite) {
    scale_ = std::max(1.0, scale_ / 2.0);
    clean_steps_ = 0;
    return false;
  }
  if (++clean_steps_ >= 2000) {
    scale_ *= 2.0;
    clean_steps_ = 0;
  }
  return true;
}

}  // namespace spbench
