// Evaluation throughput: scoring single paths of a trained super-network
// (no gradients, eval-mode BN) on batches of synthetic images, in images/s
// and achieved GFLOP/s (FLOPs of the evaluated paths from architecture_cost
// × images), beside the machine's fp32 matmul rate as a peak estimate. And
// the wall time of evaluating every architecture of a C=8/N=1 super-network
// with `recalibrate: 1`, V=1 batch of 512 through the real Evaluator.
//
// Usage: bench_evaluation [--threads T] [--archs K] [--batch B] [--size S]
//                         [--full] [--full-size S] [--full-limit K]
//                         [--paths-per-batch K] [--device cpu|cuda] [--rounds R]
//                         [--full-channels C] [--full-cells N] [--full-recalibrate R]
//                         [--full-valid V] [--full-batch B] [--profile PREFIX]
//   --full        also time the all-architectures evaluation (a few minutes),
//                 path by path and with K paths per forward pass
//                 (evaluation/multi_path.hpp), alternating R rounds so that
//                 load from other processes hits both alike
//   --full-limit  evaluate only the first K architectures and extrapolate
//   --paths-per-batch  K of the multi-path evaluation (default 0: from memory)
//   --full-*      the all-architectures network and protocol (default C=8,
//                 N=1, R=1 batch of B=512, V=512 images)
//   --profile     after the timing, one more pass of each variant under
//                 LibTorch's profiler: PREFIX-path-by-path.json and
//                 PREFIX-batched.json (Chrome traces); bench/profile_summary.py
//                 sums them per operator (self time)

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/torch.h>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "spbench/sdk/architecture_cost.hpp"
#include "spbench/engine/evaluation/evaluator.hpp"
#include "spbench/engine/model/supernet.hpp"

using namespace spbench;
using Clock = std::chrono::steady_clock;

#if __has_include(<torch/csrc/autograd/profiler_legacy.h>)
#include <torch/csrc/autograd/profiler_legacy.h>
#define SPBENCH_HAVE_LEGACY_PROFILER 1
#else
#define SPBENCH_HAVE_LEGACY_PROFILER 0
#endif

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double matmul_gflops() {
  const int n = 2048;
  auto a = torch::randn({n, n}), b = torch::randn({n, n});
  torch::mm(a, b);
  double best = 0;
  for (int r = 0; r < 3; ++r) {
    const auto t = Clock::now();
    torch::mm(a, b);
    best = std::max(best, 2.0 * n * n * n / seconds_since(t) / 1e9);
  }
  return best;
}

data::ImageDataset synthetic(std::int64_t n, int size) {
  data::ImageDataset d;
  d.name = "synthetic";
  d.images = torch::randint(0, 256, {n, 3, size, size}, torch::kUInt8);
  d.labels = torch::randint(0, 10, {n}, torch::kLong);
  d.num_classes = 10;
  d.mean = {0.49f, 0.48f, 0.45f};
  d.std = {0.25f, 0.24f, 0.26f};
  return d;
}

void synchronize(const c10::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize();
}

void throughput(int C, int N, int archs, int batch, int size, const c10::Device& device) {
  torch::manual_seed(0);
  NetworkSetup setup;
  setup.channels = C;
  setup.cells_per_stage = N;
  model::Supernet net(model::SupernetOptions(setup, SearchSpace()));
  net->to(device);
  net->eval();
  torch::NoGradGuard no_grad;
  auto x = torch::randn({batch, 3, size, size}, torch::TensorOptions().device(device));
  std::mt19937_64 rng(1);
  std::vector<CellArch> paths;
  while (static_cast<int>(paths.size()) < archs) {
    CellArch a = CellArch::from_code(static_cast<int>(rng() % kNumArchitectures));
    if (has_input_output_path(a)) paths.push_back(a);
  }
  NetworkShape shape;
  shape.channels = C;
  shape.cells_per_stage = N;
  shape.input_size = size;
  net->forward(x, Path::shared(paths[0]));  // warm-up
  synchronize(device);
  double flops = 0;
  const auto t = Clock::now();
  for (const auto& a : paths) {
    net->forward(x, Path::shared(a));
    flops += static_cast<double>(architecture_cost(a, shape).flops) * batch;
  }
  synchronize(device);
  const double s = seconds_since(t);
  fmt::print("C={:<2} N={} {}x{} batch {}: {:>8.0f} images/s  {:>6.2f} GFLOP/s  ({} random paths, {:.2f} s)\n", C, N,
             size, size, batch, archs * batch / s, flops / s / 1e9, archs, s);
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2, archs = 20, batch = 256, size = 32, full_size = 16, full_limit = 0, rounds = 1;
  std::int64_t paths_per_batch = 0;
  int full_channels = 8, full_cells = 1, full_recalibrate = 1, full_valid = 512, full_batch = 512;
  std::string device_name = "cpu";
  std::string profile;
  bool full = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return std::atoi(argv[++i]); };
    if (a == "--threads") threads = next();
    else if (a == "--archs") archs = next();
    else if (a == "--batch") batch = next();
    else if (a == "--size") size = next();
    else if (a == "--full") full = true;
    else if (a == "--full-size") full_size = next();
    else if (a == "--full-limit") full_limit = next();
    else if (a == "--paths-per-batch") paths_per_batch = next();
    else if (a == "--full-channels") full_channels = next();
    else if (a == "--full-cells") full_cells = next();
    else if (a == "--full-recalibrate") full_recalibrate = next();
    else if (a == "--full-valid") full_valid = next();
    else if (a == "--full-batch") full_batch = next();
    else if (a == "--rounds") rounds = std::max(1, next());
    else if (a == "--device") device_name = argv[++i];
    else if (a == "--profile") profile = argv[++i];
    else { fmt::print(stderr, "unknown argument {}\n", a); return 2; }
  }
  at::set_num_threads(threads);
  const c10::Device device(device_name);
  if (device.is_cpu())
    fmt::print("threads {}; fp32 matmul 2048^3 (peak estimate): {:.1f} GFLOP/s\n", threads, matmul_gflops());
  else
    fmt::print("device {}\n", device.str());
  throughput(8, 1, archs, batch, size, device);
  throughput(16, 5, archs, batch, size, device);
  if (!full) return 0;

  torch::manual_seed(0);
  NetworkSetup setup;
  setup.channels = full_channels;
  setup.cells_per_stage = full_cells;
  model::Supernet net(model::SupernetOptions(setup, SearchSpace()));
  net->to(device);
  evaluation::ScoringNetworks nets;
  nets.networks = {net};
  nets.info = {SubSupernet{"supernet", SearchSpace(), true}};
  evaluation::EvaluationConfig config;
  config.bn = EvaluationSpec::BnMode::Recalibrate;
  config.recalibrate_batches = full_recalibrate;
  config.batches = 0;  // the whole (synthetic) validation split of V images
  config.batch_size = full_batch;
  config.progress_every = 1000000;
  config.device = device;
  const auto valid = synthetic(full_valid, full_size), train = synthetic(full_recalibrate * full_batch, full_size);
  auto all = SearchSpace().enumerate();
  const std::size_t total = all.size();
  if (full_limit > 0 && static_cast<std::size_t>(full_limit) < all.size()) all.resize(static_cast<std::size_t>(full_limit));
  // Path by path and K paths per pass on the same plan, alternating.
  std::vector<double> seconds[2];
  std::size_t runs = 0, full_runs = 0, k_used = 0;
  for (int round = 0; round < rounds; ++round)
    for (int variant = 0; variant < 2; ++variant) {
      evaluation::EvaluationConfig c = config;
      c.paths_per_batch = variant == 0 ? 1 : paths_per_batch;
      evaluation::Evaluator ev(nets, valid, &train, c);
      const auto plan = evaluation::plan_evaluation(all, ev.networks(), c);
      runs = plan.runs();
      full_runs = evaluation::plan_evaluation(SearchSpace().enumerate(), ev.networks(), c).runs();
      synchronize(device);
      const auto t = Clock::now();
      ev.evaluate(all, plan);
      synchronize(device);
      seconds[variant].push_back(seconds_since(t));
      if (variant == 1) k_used = ev.stats().paths_per_pass;
    }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  for (int variant = 0; variant < 2; ++variant) {
    const double s = median(seconds[variant]);
    const double per_run = s / static_cast<double>(std::max<std::size_t>(1, runs));
    fmt::print("all architectures, C={} N={} {}x{}, recalibrate {} x {}, V={}, {}: {} of {} architectures ({} runs) in "
               "{:.1f} s ({:.2f} ms per run, {:.0f} archs/s); all {} ({} runs): {:.1f} min{} [median of {}]\n",
               full_channels, full_cells, full_size, full_size, full_recalibrate, full_batch, full_valid, variant == 0 ? std::string("path by path") : fmt::format("K={} paths per pass", k_used),
               all.size(), total, runs, s, 1e3 * per_run, 1.0 / per_run, total, full_runs,
               per_run * static_cast<double>(full_runs) / 60.0, all.size() < total ? " (extrapolated)" : "", rounds);
  }
  fmt::print("multi-path speed-up: {:.2f}x\n", median(seconds[0]) / median(seconds[1]));
  if (!profile.empty()) {
#if SPBENCH_HAVE_LEGACY_PROFILER
    // One more pass of each variant under LibTorch's profiler: a Chrome trace
    // per variant, summed per operator by bench/profile_summary.py.
    for (int variant = 0; variant < 2; ++variant) {
      evaluation::EvaluationConfig c = config;
      c.paths_per_batch = variant == 0 ? 1 : paths_per_batch;
      evaluation::Evaluator ev(nets, valid, &train, c);
      const auto plan = evaluation::plan_evaluation(all, ev.networks(), c);
      const std::string file = fmt::format("{}-{}.json", profile, variant == 0 ? "path-by-path" : "batched");
      {
        torch::autograd::profiler::RecordProfile record(file);
        ev.evaluate(all, plan);
        synchronize(device);
      }
      fmt::print("profile: {}\n", file);
    }
#else
    fmt::print(stderr, "--profile: this LibTorch has no legacy profiler (torch/csrc/autograd/profiler_legacy.h)\n");
    return 2;
#endif
  }
  return 0;
}
