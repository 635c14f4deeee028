#include "spbench/engine/data/augment.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <algorithm>

#include "spbench/engine/data/error.hpp"

namespace spbench::data {

std::vector<CropFlip> draw_crop_flip(Rng& rng, std::int64_t count, int padding) {
  std::vector<CropFlip> out(static_cast<std::size_t>(count));
  const auto range = static_cast<std::uint64_t>(2 * padding + 1);
  for (auto& t : out) {
    t.dy = static_cast<int>(uniform_index(rng, range));
    t.dx = static_cast<int>(uniform_index(rng, range));
    t.flip = uniform_index(rng, 2) == 1;
  }
  return out;
}

namespace {

// One output row: dst[x] = norm(src[x + ox]) inside the image, norm(0) outside;
// mirrored: dst[x] = norm(src[W-1-x + ox]). Kept branch-free in the inner
// loops so that the compiler vectorises the common in-image span.
inline void crop_row(const std::uint8_t* src, float* dst, std::int64_t w, std::int64_t ox,
                     bool flip, float scale, float shift) {
  if (!flip) {
    const std::int64_t x0 = std::max<std::int64_t>(0, -ox), x1 = std::min(w, w - ox);
    for (std::int64_t x = 0; x < x0; ++x) dst[x] = shift;
    const std::uint8_t* s = src + ox;
    for (std::int64_t x = x0; x < x1; ++x) dst[x] = static_cast<float>(s[x]) * scale + shift;
    for (std::int64_t x = std::max(x0, x1); x < w; ++x) dst[x] = shift;
  } else {
    // Source column w-1-x+ox lies in [0, w) for x in [ox, w+ox).
    const std::int64_t x0 = std::max<std::int64_t>(0, ox), x1 = std::min(w, w + ox);
    for (std::int64_t x = 0; x < x0; ++x) dst[x] = shift;
    const std::uint8_t* s = src + (w - 1 + ox);
    for (std::int64_t x = x0; x < x1; ++x) dst[x] = static_cast<float>(s[-x]) * scale + shift;
    for (std::int64_t x = std::max(x0, x1); x < w; ++x) dst[x] = shift;
  }
}

}  // namespace

at::Tensor gather_augment_normalize(const at::Tensor& images,
                                    const std::vector<std::int64_t>& indices,
                                    const std::vector<CropFlip>& transforms, int padding,
                                    const std::vector<float>& mean, const std::vector<float>& std,
                                    at::Tensor out) {
  TORCH_CHECK(images.dim() == 4 && images.scalar_type() == at::kByte && images.is_contiguous() &&
                  images.device().is_cpu(),
              "gather_augment_normalize: expected contiguous uint8 [N, C, H, W] CPU images");
  const std::int64_t n = images.size(0), c = images.size(1), h = images.size(2),
                     w = images.size(3);
  const auto b = static_cast<std::int64_t>(indices.size());
  TORCH_CHECK(transforms.empty() || static_cast<std::int64_t>(transforms.size()) == b,
              "gather_augment_normalize: ", transforms.size(), " transforms for ", b, " images");
  if (static_cast<std::int64_t>(mean.size()) != c || static_cast<std::int64_t>(std.size()) != c)
    throw DataError({}, fmt::format("normalisation statistics for {} channels, expected {}",
                                    mean.size(), c));
  for (std::int64_t i : indices)
    TORCH_CHECK(i >= 0 && i < n, "gather_augment_normalize: index ", i, " outside 0..", n - 1);
  for (const auto& t : transforms)
    TORCH_CHECK(t.dy >= 0 && t.dy <= 2 * padding && t.dx >= 0 && t.dx <= 2 * padding,
                "gather_augment_normalize: crop offset outside the padded image");

  if (out.defined()) {
    TORCH_CHECK(out.scalar_type() == at::kFloat && out.is_contiguous() && out.device().is_cpu() &&
                    out.sizes() == at::IntArrayRef({b, c, h, w}),
                "gather_augment_normalize: output must be contiguous float [B, C, H, W] on CPU");
  } else {
    out = at::empty({b, c, h, w}, at::kFloat);
  }
  // (x/255 - m)/s as one multiply-add per pixel.
  std::vector<float> scale(c), shift(c);
  for (std::int64_t ch = 0; ch < c; ++ch) {
    scale[ch] = 1.0f / (255.0f * std[ch]);
    shift[ch] = -mean[ch] / std[ch];
  }
  const std::uint8_t* src = images.data_ptr<std::uint8_t>();
  float* dst = out.data_ptr<float>();
  const std::int64_t plane = h * w, image = c * plane;
  // ~3k pixels per image: a handful of images per task amortises scheduling.
  at::parallel_for(0, b, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k) {
      const std::uint8_t* img = src + indices[k] * image;
      float* o = dst + k * image;
      if (transforms.empty()) {
        for (std::int64_t ch = 0; ch < c; ++ch) {
          const std::uint8_t* s = img + ch * plane;
          float* d = o + ch * plane;
          const float sc = scale[ch], sh = shift[ch];
          for (std::int64_t j = 0; j < plane; ++j) d[j] = static_cast<float>(s[j]) * sc + sh;
        }
        continue;
      }
      const CropFlip t = transforms[k];
      const std::int64_t oy = t.dy - padding, ox = t.dx - padding;
      for (std::int64_t ch = 0; ch < c; ++ch) {
        const float sc = scale[ch], sh = shift[ch];
        for (std::int64_t y = 0; y < h; ++y) {
          float* d = o + ch * plane + y * w;
          const std::int64_t sy = y + oy;
          if (sy < 0 || sy >= h) {
            std::fill(d, d + w, sh);
            continue;
          }
          crop_row(img + ch * plane + sy * w, d, w, ox, t.flip, sc, sh);
        }
      }
    }
  });
  return out;
}

}  // namespace spbench::data
