#pragma once
// Writers for the same formats the readers accept: for making downscaled or
// subset copies of a data set and for tests that need small files.

#include <filesystem>

#include <ATen/core/Tensor.h>

#include "spbench/engine/data/dataset.hpp"

namespace spbench::data {

// CIFAR-10 (label_bytes = 1) or CIFAR-100 layout (label_bytes = 2: the coarse
// label is written as 0, the fine label as the data set's label). Images must
// be uint8 [N, 3, 32, 32].
void write_cifar(const std::filesystem::path& file, const ImageDataset& data, int label_bytes = 1);

// An IDX file of unsigned bytes with the tensor's shape (1 to 4 dimensions),
// gzip-compressed when `gzip` is set (whatever the file name says).
void write_idx(const std::filesystem::path& file, const at::Tensor& bytes, bool gzip);

}  // namespace spbench::data
