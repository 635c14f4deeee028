#pragma once
// Downscaling for CPU proxies (e.g. CIFAR at 16×16): done once at load time so
// that training pays nothing for it.

#include <cstdint>

#include <ATen/core/Tensor.h>

#include "spbench/engine/data/dataset.hpp"

namespace spbench::data {

// Area (box-average) downscaling of uint8 [N, C, H, W] images to side×side,
// rounded to nearest. Integer factors (32→16) average exact k×k blocks;
// other sizes use adaptive average pooling (overlapping area weights).
// side must lie in (0, min(H, W)]; equal sizes return the input unchanged.
at::Tensor area_downscale(const at::Tensor& images, std::int64_t side);

// The data set with its images downscaled (labels and statistics kept).
ImageDataset resize_dataset(const ImageDataset& data, std::int64_t side);

}  // namespace spbench::data
