// Evaluation throughput: scoring single paths of a trained super-network
// (no gradients, eval-mode BN) on batches of synthetic images, in images/s
// and achieved GFLOP/s (FLOPs of the evaluated paths from architecture_cost
// × images), beside the machine's fp32 matmul rate as a peak estimate. And
// the wall time of evaluating every architecture of a C=8/N=1 super-network
// with `recalibrate: 1`, V=1 batch of 512 through the real Evaluator.
//
// Usage: bench_evaluation [--threads T] [--archs K] [--batch B] [--size S]
//                         [--full] [--full-size S] [--full-limit K]
//   --full        also time the all-architectures evaluation (a few minutes)
//   --full-limit  evaluate only the first K architectures and extrapolate

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/torch.h>

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

void throughput(int C, int N, int archs, int batch, int size) {
  torch::manual_seed(0);
  NetworkSetup setup;
  setup.channels = C;
  setup.cells_per_stage = N;
  model::Supernet net(model::SupernetOptions(setup, SearchSpace()));
  net->eval();
  torch::NoGradGuard no_grad;
  auto x = torch::randn({batch, 3, size, size});
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
  double flops = 0;
  const auto t = Clock::now();
  for (const auto& a : paths) {
    net->forward(x, Path::shared(a));
    flops += static_cast<double>(architecture_cost(a, shape).flops) * batch;
  }
  const double s = seconds_since(t);
  fmt::print("C={:<2} N={} {}x{} batch {}: {:>8.0f} images/s  {:>6.2f} GFLOP/s  ({} random paths, {:.2f} s)\n", C, N,
             size, size, batch, archs * batch / s, flops / s / 1e9, archs, s);
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2, archs = 20, batch = 256, size = 32, full_size = 16, full_limit = 0;
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
    else { fmt::print(stderr, "unknown argument {}\n", a); return 2; }
  }
  at::set_num_threads(threads);
  fmt::print("threads {}; fp32 matmul 2048^3 (peak estimate): {:.1f} GFLOP/s\n", threads, matmul_gflops());
  throughput(8, 1, archs, batch, size);
  throughput(16, 5, archs, batch, size);
  if (!full) return 0;

  torch::manual_seed(0);
  NetworkSetup setup;
  setup.channels = 8;
  setup.cells_per_stage = 1;
  model::Supernet net(model::SupernetOptions(setup, SearchSpace()));
  evaluation::ScoringNetworks nets;
  nets.networks = {net};
  nets.info = {SubSupernet{"supernet", SearchSpace(), true}};
  evaluation::EvaluationConfig config;
  config.bn = EvaluationSpec::BnMode::Recalibrate;
  config.recalibrate_batches = 1;
  config.batches = 1;
  config.batch_size = 512;
  config.progress_every = 2000;
  const auto valid = synthetic(512, full_size), train = synthetic(512, full_size);
  evaluation::Evaluator ev(nets, valid, &train, config);
  auto all = SearchSpace().enumerate();
  const std::size_t total = all.size();
  if (full_limit > 0 && static_cast<std::size_t>(full_limit) < all.size()) all.resize(static_cast<std::size_t>(full_limit));
  const auto plan = evaluation::plan_evaluation(all, ev.networks(), config);
  const auto t = Clock::now();
  ev.evaluate(all, plan);
  const double s = seconds_since(t);
  const auto full_plan = evaluation::plan_evaluation(SearchSpace().enumerate(), ev.networks(), config);
  const double per_run = s / std::max<std::size_t>(1, plan.runs());
  fmt::print("all architectures, C=8 N=1 {}x{}, recalibrate 1, V=1 x 512: {} of {} architectures ({} runs) in {:.1f} s "
             "({:.1f} ms per run); all {} ({} runs): {:.1f} min{}\n",
             full_size, full_size, all.size(), total, plan.runs(), s, 1e3 * per_run, total, full_plan.runs(),
             per_run * static_cast<double>(full_plan.runs()) / 60.0, all.size() < total ? " (extrapolated)" : "");
  return 0;
}
