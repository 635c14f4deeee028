#include "spbench/engine/data/resize.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <string>

#include "spbench/engine/data/error.hpp"

namespace spbench::data {

at::Tensor area_downscale(const at::Tensor& images, std::int64_t side) {
  const std::int64_t n = images.size(0), c = images.size(1), h = images.size(2),
                     w = images.size(3);
  if (side <= 0 || side > h || side > w)
    throw DataError({}, "resize to " + std::to_string(side) + "x" + std::to_string(side) +
                            ": expected a side length in 1.." + std::to_string(std::min(h, w)) +
                            " (only downscaling)");
  if (side == h && side == w) return images;
  auto src = images.contiguous();
  if (h % side == 0 && w % side == 0) {
    // Exact k×k blocks: integer sums with round-to-nearest, no float detour.
    const std::int64_t ky = h / side, kx = w / side, area = ky * kx;
    auto out = at::empty({n, c, side, side}, at::kByte);
    const auto* s = src.data_ptr<std::uint8_t>();
    auto* d = out.data_ptr<std::uint8_t>();
    at::parallel_for(0, n * c, 64, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t p = begin; p < end; ++p) {
        const std::uint8_t* sp = s + p * h * w;
        std::uint8_t* dp = d + p * side * side;
        for (std::int64_t y = 0; y < side; ++y)
          for (std::int64_t x = 0; x < side; ++x) {
            std::uint32_t sum = 0;
            for (std::int64_t dy = 0; dy < ky; ++dy)
              for (std::int64_t dx = 0; dx < kx; ++dx) sum += sp[(y * ky + dy) * w + x * kx + dx];
            dp[y * side + x] = static_cast<std::uint8_t>((sum + area / 2) / area);
          }
      }
    });
    return out;
  }
  // Other factors: adaptive average pooling in float, in chunks so that a
  // 50k-image set never needs a full float copy.
  auto out = at::empty({n, c, side, side}, at::kByte);
  constexpr std::int64_t kChunk = 2048;
  for (std::int64_t b = 0; b < n; b += kChunk) {
    const std::int64_t e = std::min(n, b + kChunk);
    auto pooled = at::adaptive_avg_pool2d(src.slice(0, b, e).to(at::kFloat), {side, side});
    out.slice(0, b, e).copy_(pooled.add_(0.5).floor_().clamp_(0, 255).to(at::kByte));
  }
  return out;
}

ImageDataset resize_dataset(const ImageDataset& data, std::int64_t side) {
  ImageDataset out = data;
  out.images = area_downscale(data.images, side);
  return out;
}

}  // namespace spbench::data
