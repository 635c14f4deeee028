// Variant `mixup` (Zhang et al.): each training batch is blended with a
// shuffled copy of itself, x = λx + (1-λ)x[π], targets likewise, with
// λ ~ Beta(α, α) drawn once per batch from the run's generator.

#include <ATen/ATen.h>
#include <spbench/sdk/plugin.hpp>

#include <cmath>

namespace spbench::plugins::mixup {

namespace {

// Portable samplers (the standard library's distributions differ between
// implementations; runs must be reproducible everywhere).
double standard_normal(Rng& rng) {
  double u1 = uniform_real(rng);
  while (u1 <= 0.0) u1 = uniform_real(rng);
  const double u2 = uniform_real(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
}

// Marsaglia & Tsang; for shape < 1 via Gamma(a+1)·U^(1/a).
double gamma(Rng& rng, double shape) {
  if (shape < 1.0) {
    double u = uniform_real(rng);
    while (u <= 0.0) u = uniform_real(rng);
    return gamma(rng, shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x, v;
    do {
      x = standard_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform_real(rng);
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0.0 && std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace

class Mixup final : public TrainingVariant {
 public:
  explicit Mixup(const Options& o) : alpha_(o.get_float("alpha")) {
  }

  void configure(RunSetup& setup) override { classes_ = setup.network.num_classes; }

  void transform_batch(Batch& batch, TrainingContext& ctx) override {
    const double a = gamma(*ctx.rng, alpha_), b = gamma(*ctx.rng, alpha_);
    const double lambda = a / (a + b);
    last_lambda_ = lambda;
    const std::int64_t n = batch.images.size(0);
    std::vector<std::int64_t> perm(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) perm[static_cast<std::size_t>(i)] = i;
    for (std::int64_t i = n; i > 1; --i)
      std::swap(perm[static_cast<std::size_t>(i - 1)], perm[uniform_index(*ctx.rng, static_cast<std::uint64_t>(i))]);
    const at::Tensor index = at::tensor(perm, at::kLong).to(batch.images.device());
    at::Tensor targets = batch.soft_targets.defined()
                             ? batch.soft_targets
                             : at::one_hot(batch.labels, classes_).to(batch.images.scalar_type());
    batch.images = batch.images * lambda + batch.images.index_select(0, index) * (1.0 - lambda);
    batch.soft_targets = targets * lambda + targets.index_select(0, index) * (1.0 - lambda);
  }

  double last_lambda() const { return last_lambda_; }

 private:
  double alpha_;
  std::int64_t classes_ = 10;
  double last_lambda_ = 1.0;
};

const OptionSpec kOptions[] = {
    float_option("alpha", "0.2",
        "Beta(alpha, alpha) distribution of the blending weight")
        .with_range("> 0"),
};

SPBENCH_VARIANT(Mixup, "mixup", "1.0.0",
                "blends each training batch with a shuffled copy (images and targets)", kOptions)

}  // namespace spbench::plugins::mixup
