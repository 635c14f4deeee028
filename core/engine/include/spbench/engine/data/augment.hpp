#pragma once
// The per-batch image kernel: gather, random crop with zero padding,
// horizontal flip and normalisation in one pass over uint8 pixels.

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "spbench/sdk/random.hpp"

namespace spbench::data {

// Where one image's crop window sits in the zero-padded image: offsets in
// [0, 2·padding] (padding, padding = the original image), then an optional
// left-right mirror of the crop.
struct CropFlip {
  int dy = 0;
  int dx = 0;
  bool flip = false;
};

// `count` draws for a batch, image by image: dy, dx, flip, each from
// uniform_index, so the result depends only on the generator's state.
std::vector<CropFlip> draw_crop_flip(Rng& rng, std::int64_t count, int padding);

// float32 [B, C, H, W] with out[b] = normalise(transform(images[indices[b]])),
// normalise(x) = (x/255 - mean[c]) / std[c]; padded pixels count as 0 before
// normalising (as when padding the image itself). `transforms` empty: no
// augmentation (padding ignored). `out`, when defined, must be a contiguous
// float [B, C, H, W] CPU tensor (e.g. pinned) and is filled instead of a new one.
// Runs across the batch with at::parallel_for.
at::Tensor gather_augment_normalize(const at::Tensor& images,
                                    const std::vector<std::int64_t>& indices,
                                    const std::vector<CropFlip>& transforms, int padding,
                                    const std::vector<float>& mean, const std::vector<float>& std,
                                    at::Tensor out = {});

}  // namespace spbench::data
