#pragma once
// Batches of an in-memory data set, one epoch at a time. Everything random is
// a pure function of (seed, epoch, batch index), so a resumed run sees exactly
// the batches an uninterrupted one would, without replaying earlier epochs.

#include <cstdint>
#include <iterator>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/MemoryFormat.h>

#include "spbench/sdk/batch.hpp"
#include "spbench/engine/data/dataset.hpp"

namespace spbench::data {

struct LoaderOptions {
  std::int64_t batch_size = 64;
  bool shuffle = true;     // seeded permutation per epoch; false: data order
  bool augment = false;    // random crop + horizontal flip per image
  int padding = 4;         // zero padding of the random crop
  bool drop_last = false;  // drop a final, smaller batch
  std::uint64_t seed = 0;
  c10::Device device = c10::Device(c10::kCPU);
  at::MemoryFormat memory_format = at::MemoryFormat::Contiguous;  // or ChannelsLast
};

// Training batches: shuffled and augmented. Evaluation batches: data order,
// no augmentation, last batch kept.
LoaderOptions train_loader_options(std::int64_t batch_size, std::uint64_t seed);
LoaderOptions eval_loader_options(std::int64_t batch_size);

class BatchLoader {
 public:
  // Shares the data set's tensors (no copy); the data set must stay unchanged.
  BatchLoader(const ImageDataset& data, LoaderOptions options);

  std::int64_t num_batches() const;
  const LoaderOptions& options() const { return options_; }

  // The image order of an epoch (a permutation of 0..N-1).
  std::vector<std::int64_t> epoch_order(std::int64_t epoch) const;

  // Batch `index` of epoch `epoch`. Random access: costs one permutation per
  // new epoch (cached), so sequential use is cheap. Not thread-safe (the
  // cache); the kernel itself runs on LibTorch's intra-op threads.
  Batch batch(std::int64_t epoch, std::int64_t index);

  class Iterator;
  class Epoch;
  // for (const Batch& b : loader.epoch(e)) …
  Epoch epoch(std::int64_t epoch);

 private:
  const std::vector<std::int64_t>& order_for(std::int64_t epoch);

  ImageDataset data_;
  LoaderOptions options_;
  std::int64_t cached_epoch_ = -1;
  std::vector<std::int64_t> cached_order_;
};

class BatchLoader::Iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Batch;
  using difference_type = std::ptrdiff_t;
  using pointer = const Batch*;
  using reference = const Batch&;

  Iterator(BatchLoader* loader, std::int64_t epoch, std::int64_t index);
  const Batch& operator*() const { return current_; }
  const Batch* operator->() const { return &current_; }
  Iterator& operator++();
  bool operator==(const Iterator& other) const { return index_ == other.index_; }
  bool operator!=(const Iterator& other) const { return index_ != other.index_; }

 private:
  void load();

  BatchLoader* loader_;
  std::int64_t epoch_;
  std::int64_t index_;
  Batch current_;
};

class BatchLoader::Epoch {
 public:
  Epoch(BatchLoader* loader, std::int64_t epoch) : loader_(loader), epoch_(epoch) {}
  Iterator begin() const { return Iterator(loader_, epoch_, 0); }
  Iterator end() const { return Iterator(loader_, epoch_, loader_->num_batches()); }
  std::int64_t size() const { return loader_->num_batches(); }

 private:
  BatchLoader* loader_;
  std::int64_t epoch_;
};

}  // namespace spbench::data
