// Throughput of the training data pipeline: augmented (random crop with
// padding 4, horizontal flip) and normalised 32×32 CIFAR-10 batches, 2 threads.
// Target: at least 20,000 images/s, so that feeding a training step costs
// under 5% of it.
//
// Usage: bench_data_pipeline [data_root] [repetitions]
//   data_root defaults to $SPBENCH_DATA_ROOT, else ../shared/data.

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "spbench/engine/data/load.hpp"
#include "spbench/engine/data/loader.hpp"
#include "spbench/engine/data/paths.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string root_arg = argc > 1 ? argv[1] : "";
  const int repetitions = argc > 2 ? std::max(1, std::atoi(argv[2])) : 7;
  constexpr int kThreads = 2;
  constexpr double kTarget = 20000.0;
  // Debian's LibTorch starts with one intra-op thread.
  at::set_num_threads(kThreads);

  spbench::data::DataSpec spec;
  spec.split = "cifar10";  // all 50k training images, native 32×32
  const auto t_load = Clock::now();
  const auto splits = spbench::data::load_data(spec, spbench::data::resolve_data_root(root_arg));
  const double load_s = std::chrono::duration<double>(Clock::now() - t_load).count();
  fmt::print("loaded {} ({} images) in {:.2f} s; {} threads, {} repetitions, median\n",
             splits.train.name, splits.train.size(), load_s, at::get_num_threads(), repetitions);

  // Each repetition draws enough batches to run ~10k images: long enough to
  // time, short enough to repeat; successive repetitions use later epochs so
  // that the work is never identical.
  constexpr std::int64_t kImagesPerRep = 10240;
  bool ok = true;
  fmt::print("{:>6} {:>9} {:>14} {:>14} {:>8}\n", "batch", "augment", "images/s", "us/batch",
             "target");
  for (bool augment : {true, false}) {
    for (std::int64_t batch_size : {64, 256}) {
      auto options = spbench::data::train_loader_options(batch_size, 0);
      options.augment = augment;
      spbench::data::BatchLoader loader(splits.train, options);
      const std::int64_t batches = std::min(loader.num_batches(), kImagesPerRep / batch_size);
      (void)loader.batch(0, 0);  // warm-up: first-touch allocations, thread pool start
      std::vector<double> rates;
      for (int r = 0; r < repetitions; ++r) {
        const std::int64_t epoch = r + 1;
        (void)loader.epoch_order(epoch);  // the permutation is per epoch; keep it out of the batch time
        const auto t0 = Clock::now();
        std::int64_t images = 0;
        for (std::int64_t i = 0; i < batches; ++i) images += loader.batch(epoch, i).labels.size(0);
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        rates.push_back(images / s);
      }
      const double rate = median(rates);
      const bool pass = !augment || rate >= kTarget;
      ok = ok && pass;
      fmt::print("{:>6} {:>9} {:>14.0f} {:>14.1f} {:>8}\n", batch_size, augment ? "yes" : "no",
                 rate, 1e6 * batch_size / rate, augment ? (pass ? "ok" : "MISSED") : "-");
    }
  }
  fmt::print("target: >= {:.0f} augmented images/s with {} threads\n", kTarget, kThreads);
  return ok ? 0 : 1;
}
