// Variant `lr-warmup`: the learning rate rises linearly from
// start_factor·lr to the scheduled lr over the first `epochs` epochs of each
// training phase (each few-shot sub-super-network warms up anew).

#include <spbench/sdk/plugin.hpp>

namespace spbench::plugins::lr_warmup {

class LrWarmup final : public TrainingVariant {
 public:
  explicit LrWarmup(const Options& o) : epochs_(o.get_float("epochs")), start_(o.get_float("start_factor")) {
  }

  double learning_rate(double lr, const TrainingContext& ctx) override {
    const double warm_steps = epochs_ * static_cast<double>(ctx.steps_per_epoch);
    if (warm_steps <= 0.0) return lr;
    // ctx.step counts the steps of the current phase from 0, so the first
    // step of every phase runs at exactly start_factor·lr and step
    // `warm_steps` is the first at the full rate.
    const double progress = static_cast<double>(ctx.step) / warm_steps;
    if (progress >= 1.0) return lr;
    return lr * (start_ + (1.0 - start_) * progress);
  }

 private:
  double epochs_;
  double start_;
};

const OptionSpec kOptions[] = {
    float_option("epochs", "1",
        "length of the warm-up in epochs (fractions allowed)")
        .with_range("> 0"),
    float_option("start_factor", "0.1",
        "fraction of the learning rate at the first step")
        .with_range("[0, 1]"),
};

SPBENCH_VARIANT(LrWarmup, "lr-warmup", "1.0.0",
                "linear learning-rate warm-up at the start of each training phase", kOptions)

}  // namespace spbench::plugins::lr_warmup
