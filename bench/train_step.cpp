// Training-step throughput of the super-network: forward + backward + SGD
// step on random uniform single paths, synthetic 32×32 input.
//
//   bench_train_step [--channels 16] [--cells 5] [--batch 64] [--threads 2]
//                    [--warmup 3] [--reps 5] [--steps 4] [--seed 1]
//                    [--channels-last] [--device cpu|cuda] [--precision fp32|bf16]
//                    [--optimizer foreach|loop]
//
// --optimizer: foreach (default, what a run does: sgd_step_foreach, a few
// multi-tensor ops per step) or loop (torch::optim::SGD::step, a few small
// kernels per parameter); the same numbers, different launch counts.
//
// bf16: the forward pass under autocast to bfloat16 (what `precision: bf16`
// does in a run), the loss, gradients and SGD in fp32.
//
// Prints one line: key=value pairs, images_per_s the median over repetitions.
// bench/train_step.py is the same step in Python; scripts/bench-train-step
// runs both. The path sequence comes from the same 64-bit LCG in both, so
// both run the same architectures in the same order.
#include <ATen/Parallel.h>
#include <torch/torch.h>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "spbench/engine/model/supernet.hpp"
#include "spbench/engine/training/foreach_sgd.hpp"
#include "spbench/engine/training/precision.hpp"

using namespace spbench;
using namespace spbench::model;

namespace {

struct Args {
  int channels = 16, cells = 5, batch = 64, threads = 2, warmup = 3, reps = 5, steps = 4;
  std::uint64_t seed = 1;
  bool channels_last = false;
  std::string device = "cpu";
  std::string precision = "fp32";
  std::string optimizer = "foreach";
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value for %s\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--channels") a.channels = std::atoi(next());
    else if (k == "--cells") a.cells = std::atoi(next());
    else if (k == "--batch") a.batch = std::atoi(next());
    else if (k == "--threads") a.threads = std::atoi(next());
    else if (k == "--warmup") a.warmup = std::atoi(next());
    else if (k == "--reps") a.reps = std::atoi(next());
    else if (k == "--steps") a.steps = std::atoi(next());
    else if (k == "--seed") a.seed = std::strtoull(next(), nullptr, 10);
    else if (k == "--channels-last") a.channels_last = true;
    else if (k == "--device") a.device = next();
    else if (k == "--precision") a.precision = next();
    else if (k == "--optimizer") a.optimizer = next();
    else {
      std::fprintf(stderr, "unknown argument %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

// The shared path sequence: Knuth's MMIX LCG, upper bits modulo 15625.
struct PathSequence {
  std::uint64_t state;
  int next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % kNumArchitectures);
  }
};

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  at::set_num_threads(args.threads);
  torch::manual_seed(static_cast<std::uint64_t>(args.seed));

  const c10::Device device(args.device);
  const bool bf16 = args.precision == "bf16";
  if (!bf16 && args.precision != "fp32") {
    std::fprintf(stderr, "--precision: fp32 or bf16\n");
    return 2;
  }
  if (args.optimizer != "foreach" && args.optimizer != "loop") {
    std::fprintf(stderr, "--optimizer: foreach or loop\n");
    return 2;
  }
  const PrecisionGuard precision(args.precision, device);
  auto sync = [&] {
    if (device.is_cuda()) torch::cuda::synchronize();
  };
  Supernet net(SupernetOptions().channels(args.channels).cells_per_stage(args.cells));
  net->to(device);
  net->train();
  auto params = net->parameters();
  torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.025).momentum(0.9).nesterov(true).weight_decay(5e-4));

  auto x = torch::rand({args.batch, 3, 32, 32}, torch::TensorOptions().device(device));
  if (args.channels_last) x = x.contiguous(at::MemoryFormat::ChannelsLast);
  const auto y = torch::randint(0, 10, {args.batch}, torch::TensorOptions().dtype(torch::kLong).device(device));
  PathSequence paths{args.seed};

  auto step = [&] {
    const Path path = Path::shared(CellArch::from_code(paths.next()));
    reset_gradients(params);
    at::Tensor logits;
    {
      auto scope = precision.forward_scope();
      logits = net->forward(x, path);
    }
    logits = logits.to(at::kFloat);
    torch::nn::functional::cross_entropy(logits, y).backward();
    if (args.optimizer == "foreach")
      sgd_step_foreach(sgd);
    else
      sgd.step();
  };

  for (int i = 0; i < args.warmup; ++i) step();
  sync();
  std::vector<double> rates;
  for (int r = 0; r < args.reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < args.steps; ++i) step();
    sync();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(args.batch * args.steps / s);
  }
  std::sort(rates.begin(), rates.end());
  const double median = rates.size() % 2 ? rates[rates.size() / 2]
                                         : 0.5 * (rates[rates.size() / 2 - 1] + rates[rates.size() / 2]);
  std::printf("impl=cpp optimizer=%s device=%s precision=%s channels=%d cells=%d batch=%d threads=%d params=%lld images_per_s=%.1f ms_per_step=%.2f min=%.1f max=%.1f\n",
              args.optimizer.c_str(), device.str().c_str(), args.precision.c_str(), args.channels, args.cells, args.batch, at::get_num_threads(),
              static_cast<long long>(count_parameters(*net)), median, 1000.0 * args.batch / median,
              rates.front(), rates.back());
  return 0;
}
