// Variant `cutout` (DeVries & Taylor): every training image gets `holes`
// square patches of side `length` set to zero (the data set mean, as images
// are normalised), centred uniformly in the image and clipped at its border.

#include <ATen/ATen.h>
#include <spbench/sdk/plugin.hpp>

#include <algorithm>

namespace spbench::plugins::cutout {

class Cutout final : public TrainingVariant {
 public:
  explicit Cutout(const Options& o) : length_(o.get_int("length")), holes_(o.get_int("holes")) {
  }

  void transform_batch(Batch& batch, TrainingContext& ctx) override {
    const std::int64_t n = batch.images.size(0), h = batch.images.size(2), w = batch.images.size(3);
    // The mask is built on the CPU from the run's generator (deterministic on
    // any device), then applied on the batch's device in one multiply.
    at::Tensor mask = at::ones({n, 1, h, w}, at::kFloat);
    auto m = mask.accessor<float, 4>();
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t k = 0; k < holes_; ++k) {
        const auto cy = static_cast<std::int64_t>(uniform_index(*ctx.rng, static_cast<std::uint64_t>(h)));
        const auto cx = static_cast<std::int64_t>(uniform_index(*ctx.rng, static_cast<std::uint64_t>(w)));
        const std::int64_t y0 = std::max<std::int64_t>(0, cy - length_ / 2), y1 = std::min(h, cy + (length_ + 1) / 2);
        const std::int64_t x0 = std::max<std::int64_t>(0, cx - length_ / 2), x1 = std::min(w, cx + (length_ + 1) / 2);
        for (std::int64_t y = y0; y < y1; ++y)
          for (std::int64_t x = x0; x < x1; ++x) m[i][0][y][x] = 0.0f;
      }
    }
    batch.images = batch.images * mask.to(batch.images.device(), batch.images.scalar_type());
  }

 private:
  std::int64_t length_;
  std::int64_t holes_;
};

const OptionSpec kOptions[] = {
    int_option("length", "16",
        "side of each square patch in pixels (16 for 32x32 CIFAR)")
        .with_range(">= 1"),
    int_option("holes", "1",
        "patches per image")
        .with_range(">= 1"),
};

SPBENCH_VARIANT(Cutout, "cutout", "1.0.0", "zeroes random square patches of training images", kOptions)

}  // namespace spbench::plugins::cutout
