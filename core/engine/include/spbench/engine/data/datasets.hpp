#pragma once
// The data sets spbench knows, in one table: what the spec accepts as
// data.dataset, what the readers load, the network shapes derived from them,
// and the NAS-Bench-201 data sets `spbench arch info` sizes networks for.

#include <string>
#include <vector>

namespace spbench {

struct DatasetInfo {
  std::string name;       // data.dataset ("cifar10", "fashion-mnist", …)
  int classes = 10;
  int channels = 3;       // input channels
  int image_size = 32;    // native side length (pixels)
  bool readable = true;   // spbench reads it (data.dataset); false: known for network shapes only
  bool nas_bench_201 = false;  // one of NAS-Bench-201's data sets
  // The customary per-channel mean/std on the [0, 1] scale (readable sets).
  std::vector<float> mean, std;
};

// Every known data set, in a fixed order (the order of messages and lists).
const std::vector<DatasetInfo>& known_datasets();

// nullptr for an unknown name.
const DatasetInfo* find_dataset(const std::string& name);

// The names of the readable data sets (data.dataset's choices), and the same
// as text for messages: "cifar10, cifar100, mnist or fashion-mnist".
std::vector<std::string> readable_dataset_names();
std::string readable_dataset_list();

// The names of NAS-Bench-201's data sets.
std::vector<std::string> nas_bench_201_dataset_names();

}  // namespace spbench
