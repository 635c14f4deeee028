#pragma once
// From an experiment's data section to the train and validation sets.

#include <cstdint>
#include <filesystem>
#include <string>

#include "spbench/engine/data/dataset.hpp"

namespace spbench::data {

struct DataSpec {
  // "cifar10", "cifar100", "mnist" or "fashion-mnist".
  std::string dataset = "cifar10";
  // Folder with the data set's files, resolved against the data root when
  // relative. Empty: the data set's name ("cifar10", …) below the data root;
  // for fashion-mnist, when that folder is absent, the Debian package's
  // /usr/share/datasets/fashion-mnist.
  std::string root;
  // "cifar10-valid": 25k train / 25k valid out of CIFAR-10's 50k training
  //   images (NAS-Bench-201's search split);
  // "cifar10": the 50k training images / the 10k test images;
  // "train-valid": any data set; holds out valid_fraction of the training set;
  // "train-test": any data set; the training set / the test set.
  std::string split = "cifar10-valid";
  double valid_fraction = 0.5;   // train-valid only; cifar10-valid fixes 0.5
  std::int64_t train_subset = 0;  // 0 = all; else a class-balanced subset
  std::int64_t valid_subset = 0;  // 0 = all; else a class-balanced subset
  std::int64_t resize = 0;        // 0 = native; else side length (area downscaling)
  // Random crop (padding 4) + flip on training batches: not used by
  // load_data, read by whoever builds the training BatchLoader.
  bool augment = true;
  std::uint64_t seed = 0;         // picks the subsets
  // Picks the train/valid hold-out. Kept apart from `seed` on purpose: the
  // validation set is part of the benchmark, so runs with different seeds
  // must still agree on it.
  std::uint64_t split_seed = 0;
};

struct DataSplits {
  ImageDataset train;
  ImageDataset valid;  // validation or test set, depending on the split
};

// Reads, splits, subsets and resizes, in that order (subsetting first keeps
// resizing cheap). Throws DataError for unknown names, bad sizes and bad files.
DataSplits load_data(const DataSpec& spec, const std::filesystem::path& data_root);

// The folder load_data reads the files from: spec.root against the data
// root, or the data set's name below it (the Debian package's
// /usr/share/datasets/fashion-mnist when that is absent), so that logs name
// where the data really comes from.
std::filesystem::path dataset_folder(const DataSpec& spec, const std::filesystem::path& data_root);

// The customary per-channel mean/std ([0, 1] scale) of a known data set.
void set_standard_stats(ImageDataset& data, const std::string& dataset);

}  // namespace spbench::data
