#include "spbench/engine/data/dataset.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <cstring>

#include "spbench/engine/data/error.hpp"

namespace spbench::data {

ImageDataset take(const ImageDataset& data, const std::vector<std::int64_t>& indices,
                  std::string name) {
  ImageDataset out;
  out.name = name.empty() ? data.name : std::move(name);
  out.num_classes = data.num_classes;
  out.mean = data.mean;
  out.std = data.std;
  const auto n = static_cast<std::int64_t>(indices.size());
  auto sizes = data.images.sizes().vec();
  sizes[0] = n;
  out.images = at::empty(sizes, at::kByte);
  out.labels = at::empty({n}, at::kLong);
  const std::int64_t image_bytes = sizes[1] * sizes[2] * sizes[3];
  const auto* src = data.images.data_ptr<std::uint8_t>();
  const auto* src_labels = data.labels.data_ptr<std::int64_t>();
  auto* dst = out.images.data_ptr<std::uint8_t>();
  auto* dst_labels = out.labels.data_ptr<std::int64_t>();
  for (std::int64_t k = 0; k < n; ++k) {
    const std::int64_t i = indices[k];
    if (i < 0 || i >= data.size())
      throw DataError({}, data.name + ": image index " + std::to_string(i) + " out of range 0.." +
                              std::to_string(data.size() - 1));
    std::memcpy(dst + k * image_bytes, src + i * image_bytes, image_bytes);
    dst_labels[k] = src_labels[i];
  }
  return out;
}

std::vector<std::int64_t> class_counts(const ImageDataset& data) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(data.num_classes), 0);
  const auto* labels = data.labels.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < data.size(); ++i) ++counts.at(static_cast<std::size_t>(labels[i]));
  return counts;
}

ChannelStats channel_stats(const ImageDataset& data) {
  const std::int64_t n = data.size(), c = data.channels();
  const std::int64_t plane = data.height() * data.width();
  ChannelStats stats;
  const auto* px = data.images.data_ptr<std::uint8_t>();
  for (std::int64_t ch = 0; ch < c; ++ch) {
    // Integer sums are exact; a byte histogram would be too, but this is simple and fast.
    std::uint64_t sum = 0, sum_sq = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::uint8_t* p = px + (i * c + ch) * plane;
      for (std::int64_t j = 0; j < plane; ++j) {
        sum += p[j];
        sum_sq += std::uint64_t(p[j]) * p[j];
      }
    }
    const double count = static_cast<double>(n * plane);
    const double mean = static_cast<double>(sum) / count;
    const double var = static_cast<double>(sum_sq) / count - mean * mean;
    stats.mean.push_back(mean / 255.0);
    stats.std.push_back(std::sqrt(std::max(var, 0.0)) / 255.0);
  }
  return stats;
}

}  // namespace spbench::data
