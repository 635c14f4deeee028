#include "spbench/engine/data/selection.hpp"

#include <algorithm>
#include <string>

#include "seed_mix.hpp"
#include "spbench/engine/data/error.hpp"
#include "spbench/sdk/random.hpp"

namespace spbench::data {
namespace {

// Indices of every class in data order, then shuffled with a generator that
// depends on (seed, purpose, class) only: adding or removing one class's
// images does not change the pick of another class.
std::vector<std::vector<std::int64_t>> shuffled_by_class(const ImageDataset& data,
                                                         std::uint64_t seed,
                                                         detail::Purpose purpose) {
  std::vector<std::vector<std::int64_t>> by_class(static_cast<std::size_t>(data.num_classes));
  const auto* labels = data.labels.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < data.size(); ++i)
    by_class.at(static_cast<std::size_t>(labels[i])).push_back(i);
  for (std::size_t c = 0; c < by_class.size(); ++c) {
    Rng rng(detail::mix_seed({seed, static_cast<std::uint64_t>(purpose), c}));
    auto& v = by_class[c];
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[uniform_index(rng, i)]);
  }
  return by_class;
}

}  // namespace

std::vector<std::int64_t> balanced_subset(const ImageDataset& data, std::int64_t count,
                                          std::uint64_t seed) {
  if (count < 0 || count > data.size())
    throw DataError({}, data.name + ": subset of " + std::to_string(count) +
                            " images asked for, expected 0.." + std::to_string(data.size()));
  auto by_class = shuffled_by_class(data, seed, detail::Purpose::Subset);
  const auto classes = static_cast<std::int64_t>(by_class.size());
  // Hand out one image per class in rounds, lowest labels first, skipping
  // classes that are used up: equal shares, remainder to the lowest labels.
  std::vector<std::int64_t> quota(by_class.size(), 0);
  std::int64_t left = count;
  const std::int64_t base = count / classes;
  for (std::int64_t c = 0; c < classes; ++c) {
    quota[c] = std::min<std::int64_t>(base, static_cast<std::int64_t>(by_class[c].size()));
    left -= quota[c];
  }
  while (left > 0) {
    for (std::int64_t c = 0; c < classes && left > 0; ++c) {
      if (quota[c] < static_cast<std::int64_t>(by_class[c].size())) {
        ++quota[c];
        --left;
      }
    }
  }
  std::vector<std::int64_t> picked;
  picked.reserve(static_cast<std::size_t>(count));
  for (std::int64_t c = 0; c < classes; ++c)
    picked.insert(picked.end(), by_class[c].begin(), by_class[c].begin() + quota[c]);
  std::sort(picked.begin(), picked.end());
  return picked;
}

IndexSplit balanced_holdout(const ImageDataset& data, double valid_fraction, std::uint64_t seed) {
  if (!(valid_fraction > 0.0 && valid_fraction < 1.0))
    throw DataError({}, data.name + ": validation fraction " + std::to_string(valid_fraction) +
                            " must lie strictly between 0 and 1");
  const auto by_class = shuffled_by_class(data, seed, detail::Purpose::Holdout);
  IndexSplit split;
  for (const auto& v : by_class) {
    const auto n_valid = static_cast<std::size_t>(static_cast<double>(v.size()) * valid_fraction);
    split.valid.insert(split.valid.end(), v.begin(), v.begin() + n_valid);
    split.train.insert(split.train.end(), v.begin() + n_valid, v.end());
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.valid.begin(), split.valid.end());
  return split;
}

}  // namespace spbench::data
