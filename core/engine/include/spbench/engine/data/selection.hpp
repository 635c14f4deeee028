#pragma once
// Class-balanced, seeded choice of images: proxy subsets and the held-out
// validation part of a training set.

#include <cstdint>
#include <vector>

#include "spbench/engine/data/dataset.hpp"

namespace spbench::data {

// `count` indices (ascending) with every class as equally represented as
// possible: count / C per class, the remainder going one each to the lowest
// labels; a class with too few images gives its share to the others. Within a
// class the pick is a seeded shuffle, so it depends only on (labels, count,
// seed). count must not exceed data.size().
std::vector<std::int64_t> balanced_subset(const ImageDataset& data, std::int64_t count,
                                          std::uint64_t seed);

struct IndexSplit {
  std::vector<std::int64_t> train;  // ascending
  std::vector<std::int64_t> valid;  // ascending
};

// Holds out floor(n_c * valid_fraction) images of every class c (a seeded
// shuffle within the class) as `valid`; the rest is `train`. Disjoint, and
// together every index exactly once.
IndexSplit balanced_holdout(const ImageDataset& data, double valid_fraction, std::uint64_t seed);

}  // namespace spbench::data
