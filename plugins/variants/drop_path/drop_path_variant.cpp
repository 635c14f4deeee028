// Variant `drop-path`: each computed edge output of a cell (a sampled
// skip_connect included) is dropped per sample with probability p in training
// and rescaled by 1/(1-p); evaluation never drops (the super-network
// implements it; this sets the rate). With `p_start` the rate ramps linearly
// per epoch, epoch e of E at p_start + (p - p_start) * e / E, as UniNAS's
// drop-path regulariser does (cogsys-tuebingen/uninas
// uninas/training/regularizers/drop.py, min_prob to max_prob); without it
// the rate is p throughout.
#include <spbench/sdk/plugin.hpp>

#include <algorithm>

namespace spbench::plugins::drop_path {

class Variant final : public TrainingVariant {
 public:
  explicit Variant(const Options& o) : p_(o.get_float("p")), p_start_(o.get_float("p_start")) {
    if (p_start_ < 0 && p_start_ != -1.0)
      throw OptionError("p_start", "p_start must be -1 (no ramp) or lie in [0, 1)");
  }

  void configure(RunSetup& setup) override { setup.network.drop_path = p_start_ < 0 ? p_ : p_start_; }

  void on_epoch_begin(TrainingContext& ctx) override {
    if (p_start_ < 0) {
      ctx.drop_path = p_;
      return;
    }
    // Over all epochs E of the run (every phase): epoch e at t = e / E, as
    // UniNAS's DropPathRegularizer sets it, so the last epoch's rate is one
    // step short of p.
    const double t = ctx.total_epochs > 0 ? static_cast<double>(ctx.epoch) / ctx.total_epochs : 0.0;
    ctx.drop_path = p_start_ + (p_ - p_start_) * std::clamp(t, 0.0, 1.0);
  }

 private:
  double p_;
  double p_start_;
};

const OptionSpec kOptions[] = {
    float_option("p", "0.1",
        "probability of dropping a computed edge output, per sample (training only); with `p_start`, the end of "
        "the ramp (epoch e of E drops with p_start + (p - p_start) * e / E, as UniNAS)")
        .with_range("[0, 1)"),
    float_option("p_start", "-1",
        "the rate of the first epoch of a linear per-epoch ramp towards `p`; `-1`: no ramp (p in every epoch)")
        .with_range("[-1, 1)"),
};

SPBENCH_VARIANT(Variant, "drop-path", "1.1.0", "drops cell edge outputs per sample in training", kOptions)

}  // namespace spbench::plugins::drop_path
