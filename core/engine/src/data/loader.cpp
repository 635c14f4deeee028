#include "spbench/engine/data/loader.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <numeric>

#include "seed_mix.hpp"
#include "spbench/engine/data/augment.hpp"
#include "spbench/engine/data/error.hpp"
#include "spbench/sdk/random.hpp"

namespace spbench::data {

LoaderOptions train_loader_options(std::int64_t batch_size, std::uint64_t seed) {
  LoaderOptions o;
  o.batch_size = batch_size;
  o.shuffle = true;
  o.augment = true;
  o.seed = seed;
  return o;
}

LoaderOptions eval_loader_options(std::int64_t batch_size) {
  LoaderOptions o;
  o.batch_size = batch_size;
  o.shuffle = false;
  o.augment = false;
  return o;
}

BatchLoader::BatchLoader(const ImageDataset& data, LoaderOptions options)
    : data_(data), options_(std::move(options)) {
  if (options_.batch_size <= 0)
    throw DataError({}, fmt::format("{}: batch size {} must be positive", data_.name,
                                    options_.batch_size));
  if (options_.padding < 0)
    throw DataError({}, fmt::format("{}: crop padding {} must not be negative", data_.name,
                                    options_.padding));
  if (!data_.images.defined() || data_.images.dim() != 4 ||
      data_.images.scalar_type() != at::kByte || !data_.images.is_contiguous())
    throw DataError({}, data_.name + ": images must be a contiguous uint8 [N, C, H, W] tensor");
  if (static_cast<std::int64_t>(data_.mean.size()) != data_.channels() ||
      static_cast<std::int64_t>(data_.std.size()) != data_.channels())
    throw DataError({}, fmt::format("{}: normalisation mean/std for {}/{} channels, expected {}",
                                    data_.name, data_.mean.size(), data_.std.size(),
                                    data_.channels()));
}

std::int64_t BatchLoader::num_batches() const {
  const std::int64_t n = data_.size(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

std::vector<std::int64_t> BatchLoader::epoch_order(std::int64_t epoch) const {
  std::vector<std::int64_t> order(static_cast<std::size_t>(data_.size()));
  std::iota(order.begin(), order.end(), 0);
  if (options_.shuffle) {
    Rng rng(detail::mix_seed({options_.seed, static_cast<std::uint64_t>(detail::Purpose::Order),
                              static_cast<std::uint64_t>(epoch)}));
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[uniform_index(rng, i)]);
  }
  return order;
}

const std::vector<std::int64_t>& BatchLoader::order_for(std::int64_t epoch) {
  if (epoch != cached_epoch_) {
    cached_order_ = epoch_order(epoch);
    cached_epoch_ = epoch;
  }
  return cached_order_;
}

Batch BatchLoader::batch(std::int64_t epoch, std::int64_t index) {
  if (index < 0 || index >= num_batches())
    throw DataError({}, fmt::format("{}: batch {} outside 0..{}", data_.name, index,
                                    num_batches() - 1));
  const auto& order = order_for(epoch);
  const std::int64_t begin = index * options_.batch_size;
  const std::int64_t end = std::min(data_.size(), begin + options_.batch_size);
  std::vector<std::int64_t> indices(order.begin() + begin, order.begin() + end);
  const auto b = static_cast<std::int64_t>(indices.size());

  std::vector<CropFlip> transforms;
  if (options_.augment) {
    // Drawn sequentially before the parallel kernel: the result does not
    // depend on the thread count.
    Rng rng(detail::mix_seed({options_.seed, static_cast<std::uint64_t>(detail::Purpose::Augment),
                              static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(index)}));
    transforms = draw_crop_flip(rng, b, options_.padding);
  }

  const bool to_cuda = options_.device.is_cuda();
  // Page-locked staging only pays (and only exists) with a CUDA device.
  const auto staging = at::TensorOptions().pinned_memory(to_cuda);
  at::Tensor images = at::empty({b, data_.channels(), data_.height(), data_.width()},
                                staging.dtype(at::kFloat));
  gather_augment_normalize(data_.images, indices, transforms, options_.padding, data_.mean,
                           data_.std, images);
  at::Tensor labels = at::empty({b}, staging.dtype(at::kLong));
  const auto* src = data_.labels.data_ptr<std::int64_t>();
  auto* dst = labels.data_ptr<std::int64_t>();
  for (std::int64_t k = 0; k < b; ++k) dst[k] = src[indices[k]];

  Batch batch;
  if (options_.device.is_cpu()) {
    batch.images = options_.memory_format == at::MemoryFormat::Contiguous
                       ? images
                       : images.contiguous(options_.memory_format);
    batch.labels = labels;
  } else {
    // Convert the layout on the device: a CPU-side conversion would lose the
    // pinned buffer and make the copy synchronous.
    batch.images = images.to(options_.device, /*non_blocking=*/to_cuda)
                       .contiguous(options_.memory_format);
    batch.labels = labels.to(options_.device, /*non_blocking=*/to_cuda);
  }
  return batch;
}

BatchLoader::Epoch BatchLoader::epoch(std::int64_t epoch) { return Epoch(this, epoch); }

BatchLoader::Iterator::Iterator(BatchLoader* loader, std::int64_t epoch, std::int64_t index)
    : loader_(loader), epoch_(epoch), index_(index) {
  load();
}

BatchLoader::Iterator& BatchLoader::Iterator::operator++() {
  ++index_;
  load();
  return *this;
}

void BatchLoader::Iterator::load() {
  current_ = index_ < loader_->num_batches() ? loader_->batch(epoch_, index_) : Batch{};
}

}  // namespace spbench::data
