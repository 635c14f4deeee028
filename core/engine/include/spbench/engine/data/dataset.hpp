#pragma once
// A labelled image data set held in memory as raw bytes. Keeping uint8 (not
// float) makes CIFAR-10 150 MB instead of 600 MB and lets augmentation work on
// bytes; normalisation happens once per batch.

#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace spbench::data {

struct ImageDataset {
  std::string name;    // e.g. "cifar10/train"; used in messages and logs
  at::Tensor images;   // uint8 [N, C, H, W], contiguous, CPU
  at::Tensor labels;   // int64 [N], values in [0, num_classes)
  int num_classes = 0;
  // Per-channel statistics on the [0, 1] scale that batches are normalised
  // with: (x/255 - mean) / std. Fixed per data set (the customary published
  // values), not recomputed per subset, so every split normalises alike.
  std::vector<float> mean;
  std::vector<float> std;

  std::int64_t size() const { return images.defined() ? images.size(0) : 0; }
  std::int64_t channels() const { return images.size(1); }
  std::int64_t height() const { return images.size(2); }
  std::int64_t width() const { return images.size(3); }
};

// The rows `indices` (ascending or not) of `data`, in that order, as a new
// data set that shares nothing with the original.
ImageDataset take(const ImageDataset& data, const std::vector<std::int64_t>& indices,
                  std::string name = {});

// Number of images of each class, indexed by label.
std::vector<std::int64_t> class_counts(const ImageDataset& data);

struct ChannelStats {
  std::vector<double> mean;  // on the [0, 1] scale
  std::vector<double> std;
};
// Measured per-channel mean and standard deviation of the pixels.
ChannelStats channel_stats(const ImageDataset& data);

}  // namespace spbench::data
