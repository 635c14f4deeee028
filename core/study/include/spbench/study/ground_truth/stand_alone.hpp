#pragma once
// Stand-alone ground truth: architectures trained from scratch, each as its
// own NAS-Bench-201 network, with the experiment's data pipeline, and scored
// on the validation split (docs/evaluation.md).
//
// Training: model::make_stand_alone(arch, network) (affine BN with running
// statistics, no dropout or drop-path: NAS-Bench-201's network), SGD
// (momentum, Nesterov, weight decay of the spec's training section) with the
// `ground_truth.stand_alone` learning rate on a per-step cosine schedule to 0,
// `epochs` passes over the training split with the same loader (seeded order,
// augmentation when data.augment), initialised from a seed derived from
// (seed, architecture index). Value: accuracy (%) on the whole validation
// split in eval mode. Architectures without an input→output path are not
// trained: their output is constant, so they get chance accuracy.
//
// Cache: <cache_root>/<config hash>/<arch index>.json, written atomically,
// with config.json beside them describing the configuration. The hash covers
// everything that changes the result (data section, seed, network shape,
// epochs, batch size, learning rate, momentum, Nesterov, weight decay, and a
// version of this procedure); not the device or thread count, which only
// change rounding, so a cache can be shared between machines.

#include <c10/core/Device.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "spbench/sdk/architecture_cost.hpp"
#include "spbench/sdk/cell_architecture.hpp"
#include "spbench/engine/data/dataset.hpp"
#include "spbench/sdk/run_setup.hpp"
#include "spbench/sdk/search_space.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"

namespace spbench::ground_truth {

struct StandAloneConfig {
  NetworkSetup network;  // C, N, classes, input channels (BN forced affine with statistics)
  int epochs = 1;
  std::int64_t batch_size = 64;
  double learning_rate = 0.1;
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 5e-4;
  bool augment = true;
  std::uint64_t seed = 0;
  // Canonical text of the data section (dataset, root, split, subsets,
  // resize): part of the cache key.
  std::string data;
  c10::Device device = c10::Device(c10::kCPU);
};

// From a spec; `classes` and `input_channels` come from the loaded data.
StandAloneConfig stand_alone_config_of(const ExperimentSpec& spec, int classes, int input_channels,
                                       c10::Device device);

// The configuration as canonical JSON (sorted keys) and its 16-hex-digit hash.
std::string config_json(const StandAloneConfig& config);
std::string config_hash(const StandAloneConfig& config);

struct StandAloneResult {
  CellArch arch;
  int index = -1;
  double accuracy = 0;  // % on the validation split
  double loss = 0;
  double seconds = 0;   // training + scoring time when it was computed
  bool cached = false;  // read from the cache in this call
  bool trained = false; // false: no input→output path (chance)
};

class StandAloneTrainer {
 public:
  // `cache_root` empty: no cache. Data sets are shared, not copied.
  StandAloneTrainer(StandAloneConfig config, const data::ImageDataset& train, const data::ImageDataset& valid,
                    std::filesystem::path cache_root);

  // From the cache, or trained (and cached).
  StandAloneResult get(const CellArch& arch);
  std::vector<StandAloneResult> get_all(const std::vector<CellArch>& archs);

  // Trainings run by this object (not counting cache hits).
  int trainings() const { return trainings_; }
  std::filesystem::path cache_dir() const;  // <cache_root>/<hash>, empty without cache
  void set_message_sink(std::function<void(const std::string&)> sink) { sink_ = std::move(sink); }

 private:
  StandAloneResult train(const CellArch& arch);

  StandAloneConfig config_;
  data::ImageDataset train_;
  data::ImageDataset valid_;
  std::filesystem::path cache_root_;
  std::string hash_;
  int trainings_ = 0;
  std::function<void(const std::string&)> sink_;
};

// The stand-alone set: k architectures of `space`, stratified by the
// parameter count of `shape`'s network (stratified_sample), drawn with
// `seed`; no-path architectures take part like any other member.
std::vector<CellArch> stand_alone_sample(const SearchSpace& space, std::int64_t k, std::uint64_t seed,
                                         const NetworkShape& shape);

}  // namespace spbench::ground_truth
