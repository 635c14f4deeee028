// Stand-alone ground truth: architectures trained on their own, cached by
// (architecture, training configuration).
#include <torch/torch.h>
#include "catch.hpp"

#include <fmt/format.h>

#include <fstream>

#include "spbench/study/ground_truth/stand_alone.hpp"
#include "test_paths.hpp"

#include "tiny_training.hpp"

using namespace spbench;
using namespace spbench::ground_truth;

namespace {

data::ImageDataset synthetic(std::int64_t n, std::uint64_t seed) { return test::tiny_dataset(n, seed); }

StandAloneConfig tiny_config() {
  StandAloneConfig c;
  c.network.channels = 4;
  c.network.cells_per_stage = 1;
  c.epochs = 1;
  c.batch_size = 16;
  c.learning_rate = 0.05;
  c.data = "synthetic 8x8";
  return c;
}

const CellArch kConv = CellArch::parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
const CellArch kNoPath = CellArch::parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|");

}  // namespace

TEST_CASE("A second request for a stand-alone architecture is served from the cache without training", "[ground_truth]") {
  const auto dir = test::scratch_dir("stand_alone_cache");
  const auto train = synthetic(48, 1), valid = synthetic(32, 2);
  StandAloneTrainer first(tiny_config(), train, valid, dir);
  const auto a = first.get(kConv);
  CHECK(first.trainings() == 1);
  CHECK_FALSE(a.cached);
  CHECK(a.trained);
  CHECK(a.accuracy >= 0.0);
  CHECK(a.accuracy <= 100.0);
  CHECK(std::filesystem::exists(first.cache_dir() / fmt::format("{}.json", nb201_index(kConv))));
  CHECK(std::filesystem::exists(first.cache_dir() / "config.json"));

  StandAloneTrainer second(tiny_config(), train, valid, dir);
  const auto b = second.get(kConv);
  CHECK(second.trainings() == 0);
  CHECK(b.cached);
  CHECK(b.accuracy == a.accuracy);
  CHECK(b.loss == a.loss);

  // Without a cache the same configuration trains again, to the same value.
  StandAloneTrainer uncached(tiny_config(), train, valid, {});
  CHECK(uncached.get(kConv).accuracy == a.accuracy);
  CHECK(uncached.trainings() == 1);
}

TEST_CASE("The cache key changes with every setting that changes the result", "[ground_truth]") {
  const std::string base = config_hash(tiny_config());
  CHECK(config_hash(tiny_config()) == base);
  auto changed = [&](auto&& edit) {
    StandAloneConfig c = tiny_config();
    edit(c);
    return config_hash(c) != base;
  };
  CHECK(changed([](auto& c) { c.epochs = 2; }));
  CHECK(changed([](auto& c) { c.learning_rate = 0.1; }));
  CHECK(changed([](auto& c) { c.batch_size = 32; }));
  CHECK(changed([](auto& c) { c.network.channels = 8; }));
  CHECK(changed([](auto& c) { c.network.cells_per_stage = 2; }));
  CHECK(changed([](auto& c) { c.seed = 1; }));
  CHECK(changed([](auto& c) { c.data = "other data"; }));
  CHECK(changed([](auto& c) { c.augment = false; }));
  CHECK(changed([](auto& c) { c.weight_decay = 0; }));
  // The device only changes rounding: the cache is shared across machines.
  CHECK_FALSE(changed([](auto& c) { c.device = c10::Device(c10::kCUDA, 0); }));
}

TEST_CASE("A stand-alone architecture without an input-output path is not trained and gets chance", "[ground_truth]") {
  const auto train = synthetic(32, 1), valid = synthetic(32, 2);
  StandAloneTrainer t(tiny_config(), train, valid, {});
  const auto r = t.get(kNoPath);
  CHECK(t.trainings() == 0);
  CHECK_FALSE(r.trained);
  CHECK(r.accuracy == Approx(10.0));
}

TEST_CASE("A damaged cache entry is recomputed rather than trusted", "[ground_truth]") {
  const auto dir = test::scratch_dir("stand_alone_damaged");
  const auto train = synthetic(32, 1), valid = synthetic(32, 2);
  StandAloneTrainer first(tiny_config(), train, valid, dir);
  first.set_message_sink([](const std::string&) {});
  std::filesystem::create_directories(first.cache_dir());
  std::ofstream(first.cache_dir() / fmt::format("{}.json", nb201_index(kConv))) << "{\"arch\": ";
  first.get(kConv);
  CHECK(first.trainings() == 1);
}

TEST_CASE("The stand-alone set is a seeded sample stratified by parameter count", "[ground_truth]") {
  NetworkShape shape;
  shape.channels = 8;
  shape.cells_per_stage = 1;
  shape.input_size = 16;
  const auto a = stand_alone_sample(SearchSpace(), 20, 0, shape);
  CHECK(a.size() == 20);
  auto indices = [](const std::vector<CellArch>& archs) {
    std::vector<int> out;
    for (const auto& x : archs) out.push_back(nb201_index(x));
    return out;
  };
  CHECK(indices(a) == indices(stand_alone_sample(SearchSpace(), 20, 0, shape)));
  CHECK(indices(a) != indices(stand_alone_sample(SearchSpace(), 20, 1, shape)));
  // Stratified: both the smallest and the largest networks are represented.
  std::vector<std::int64_t> params;
  for (const auto& x : a) params.push_back(architecture_cost(x, shape).params);
  std::vector<std::int64_t> all;
  for (const auto& x : SearchSpace().enumerate()) all.push_back(architecture_cost(x, shape).params);
  std::sort(all.begin(), all.end());
  CHECK(*std::min_element(params.begin(), params.end()) <= all[all.size() / 20]);
  CHECK(*std::max_element(params.begin(), params.end()) >= all[all.size() - 1 - all.size() / 20]);
}
