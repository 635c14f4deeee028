#pragma once
// Readers for the binary formats the benchmark's data sets ship in. Every
// reader checks sizes and headers before it trusts them and throws DataError
// naming the file and what was expected.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "spbench/engine/data/dataset.hpp"

namespace spbench::data {

// CIFAR-10 binary batches: records of 1 label byte + 3072 pixel bytes (red,
// green, blue planes, each 32×32 row-major). The files are concatenated in
// the order given, e.g. read_cifar10(dir, {"data_batch_1.bin", …}).
ImageDataset read_cifar10(const std::filesystem::path& dir, const std::vector<std::string>& files);

// CIFAR-100 binary files (train.bin, test.bin): records of a coarse and a fine
// label byte + 3072 pixel bytes. The 100 fine labels are used.
ImageDataset read_cifar100(const std::filesystem::path& dir, const std::vector<std::string>& files);

// One IDX file (the MNIST container): magic 00 00 08 <ndim>, big-endian
// 32-bit dimensions, then unsigned bytes. Plain or gzip-compressed; gzip is
// recognised by its magic bytes (1f 8b), not by the file name.
// Returns a uint8 tensor of the stored shape.
at::Tensor read_idx(const std::filesystem::path& file);

// An IDX image file ([N, H, W], read as [N, 1, H, W]) with its IDX label file
// ([N]); the counts must agree and labels lie below num_classes.
ImageDataset read_idx_dataset(const std::filesystem::path& images_file,
                              const std::filesystem::path& labels_file, int num_classes,
                              std::string name);

// MNIST-style folder (MNIST, Fashion-MNIST): "train" or "t10k" images and
// labels, named <part>-images-idx3-ubyte and <part>-labels-idx1-ubyte with or
// without a ".gz" suffix.
ImageDataset read_mnist_folder(const std::filesystem::path& dir, const std::string& part,
                               std::string name);

}  // namespace spbench::data
