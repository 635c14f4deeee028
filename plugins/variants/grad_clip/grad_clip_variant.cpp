// Variant `grad-clip`: rescales the accumulated gradients of a step so that
// their global L2 norm (or each value, in `value` mode) stays within a bound.

#include <c10/core/GradMode.h>  // c10::NoGradGuard: ATen/ATen.h stopped exporting at::NoGradGuard in LibTorch 2.x
#include <ATen/ATen.h>
#include <spbench/sdk/plugin.hpp>

#include <cmath>

namespace spbench::plugins::grad_clip {

class GradClip final : public TrainingVariant {
 public:
  explicit GradClip(const Options& options)
      : max_norm_(options.get_float("max_norm")), mode_(options.get_string("mode")) {
    // `mode` is one of the schema's choices: the registry checks them before
    // any constructor runs, for options built in code as for specs.
  }

  void before_optimizer_step(TrainingContext& ctx) override {
    if (!ctx.parameters) return;
    c10::NoGradGuard no_grad;
    if (mode_ == "value") {
      for (const auto& p : *ctx.parameters)
        if (p.grad().defined()) p.grad().clamp_(-max_norm_, max_norm_);
      return;
    }
    // Global norm over all defined gradients, as torch.nn.utils.clip_grad_norm_.
    std::vector<at::Tensor> norms;
    for (const auto& p : *ctx.parameters)
      if (p.grad().defined()) norms.push_back(p.grad().norm(2).to(at::kFloat));
    if (norms.empty()) return;
    const double total = at::stack(norms).norm(2).item<double>();
    last_norm_ = total;
    if (!(total > max_norm_)) return;
    const double scale = max_norm_ / (total + 1e-6);
    for (const auto& p : *ctx.parameters)
      if (p.grad().defined()) p.grad().mul_(scale);
  }

 private:
  double max_norm_;
  std::string mode_;
  double last_norm_ = 0.0;
};

const OptionSpec kOptions[] = {
    float_option("max_norm", "5.0",
        "bound on the global gradient L2 norm (or on each value in value mode)")
        .with_range("> 0"),
    string_option("mode", "norm",
        "norm: rescale by the global L2 norm; value: clamp each gradient value")
        .with_choices("norm|value"),
};

SPBENCH_VARIANT(GradClip, "grad-clip", "1.0.0",
                "clips the gradients of each optimizer step (global norm or value)", kOptions)

}  // namespace spbench::plugins::grad_clip
