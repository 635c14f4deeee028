#include "spbench/engine/data/datasets.hpp"

namespace spbench {

const std::vector<DatasetInfo>& known_datasets() {
  // The mean/std are those NAS-Bench-201 and most CIFAR/MNIST code normalise
  // with; fixed constants keep normalisation identical across splits,
  // subsets and resizes.
  static const std::vector<DatasetInfo> table = {
      {"cifar10", 10, 3, 32, true, true, {125.3f / 255, 123.0f / 255, 113.9f / 255}, {63.0f / 255, 62.1f / 255, 66.7f / 255}},
      {"cifar100", 100, 3, 32, true, true, {129.3f / 255, 124.1f / 255, 112.4f / 255}, {68.2f / 255, 65.4f / 255, 70.4f / 255}},
      {"mnist", 10, 1, 28, true, false, {0.1307f}, {0.3081f}},
      {"fashion-mnist", 10, 1, 28, true, false, {0.2860f}, {0.3530f}},
      // ImageNet16-120: NAS-Bench-201's down-sampled ImageNet; not read by spbench.
      {"imagenet16", 120, 3, 16, false, true, {}, {}},
  };
  return table;
}

const DatasetInfo* find_dataset(const std::string& name) {
  for (const auto& d : known_datasets())
    if (d.name == name) return &d;
  return nullptr;
}

std::vector<std::string> readable_dataset_names() {
  std::vector<std::string> out;
  for (const auto& d : known_datasets())
    if (d.readable) out.push_back(d.name);
  return out;
}

std::string readable_dataset_list() {
  const auto names = readable_dataset_names();
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

std::vector<std::string> nas_bench_201_dataset_names() {
  std::vector<std::string> out;
  for (const auto& d : known_datasets())
    if (d.nas_bench_201) out.push_back(d.name);
  return out;
}

}  // namespace spbench
