// Does training several seeds' super-networks as one stacked model pay?
// An upper bound, measured side by side in one process.
//
//   bench_stacked_seeds [--seeds 5] [--channels 16] [--layers 15] [--batch 64]
//                       [--size 32] [--threads 1] [--device cpu|cuda]
//                       [--warmup 2] [--reps 5] [--steps 4]
//
// Both sides train K chains of L ReLU-Conv3x3-BatchNorm layers (NAS-Bench-
// 201's nor_conv_3x3, the costliest operation) on their own batches, with
// forward, backward and an SGD update:
//   separate  K models, one after another (what K runs, or K cells sharing
//             a device one at a time, do);
//   stacked   one model of K*C channels whose convolutions have K groups and
//             whose BatchNorm is per channel, so the K models never mix:
//             every layer is one launch for all seeds.
// Stacking real super-networks gains less than this: seeds sample their
// paths independently, so on each edge only the seeds that drew the same
// operation can share a launch (5 seeds over 5 operations draw 3.4 distinct
// ones on average), and off-path work differs per seed. If even the bound
// is near 1x, stacking does not pay on that device.
//
// Prints one line per side (key=value, ms_per_step the median over
// repetitions) and the ratio separate / stacked.
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "spbench/engine/training/foreach_sgd.hpp"

namespace {

struct Args {
  int seeds = 5, channels = 16, layers = 15, batch = 64, size = 32, threads = 1, warmup = 2, reps = 5, steps = 4;
  std::string device = "cpu";
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
    if (k == "--seeds") a.seeds = std::atoi(next());
    else if (k == "--channels") a.channels = std::atoi(next());
    else if (k == "--layers") a.layers = std::atoi(next());
    else if (k == "--batch") a.batch = std::atoi(next());
    else if (k == "--size") a.size = std::atoi(next());
    else if (k == "--threads") a.threads = std::atoi(next());
    else if (k == "--device") a.device = next();
    else if (k == "--warmup") a.warmup = std::atoi(next());
    else if (k == "--reps") a.reps = std::atoi(next());
    else if (k == "--steps") a.steps = std::atoi(next());
    else {
      std::fprintf(stderr, "unknown argument %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.seeds < 1 || a.channels < 1 || a.layers < 1 || a.batch < 1 || a.size < 1) {
    std::fprintf(stderr, "--seeds, --channels, --layers, --batch and --size must be positive\n");
    std::exit(2);
  }
  return a;
}

// L x (ReLU, conv 3x3 with `groups`, BatchNorm) over `channels` channels.
torch::nn::Sequential chain(int channels, int groups, int layers) {
  torch::nn::Sequential net;
  for (int l = 0; l < layers; ++l) {
    net->push_back(torch::nn::ReLU());
    net->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(channels, channels, 3).padding(1).bias(false).groups(groups)));
    net->push_back(torch::nn::BatchNorm2d(channels));
  }
  return net;
}

struct Model {
  torch::nn::Sequential net;
  std::unique_ptr<torch::optim::SGD> sgd;
  at::Tensor input;
};

Model make(int channels, int groups, const Args& a, const c10::Device& device) {
  Model m;
  m.net = chain(channels, groups, a.layers);
  m.net->to(device);
  m.net->train();
  m.sgd = std::make_unique<torch::optim::SGD>(m.net->parameters(),
                                              torch::optim::SGDOptions(0.025).momentum(0.9).nesterov(true).weight_decay(5e-4));
  m.input = torch::randn({a.batch, channels, a.size, a.size}, torch::TensorOptions().device(device));
  return m;
}

void step(Model& m) {
  m.sgd->zero_grad();
  // The mean square of the output: a loss that reaches every weight.
  m.net->forward(m.input).pow(2).mean().backward();
  spbench::sgd_step_foreach(*m.sgd);
}

double median_ms(const Args& a, const std::function<void()>& one_step, const std::function<void()>& sync) {
  for (int i = 0; i < a.warmup; ++i) one_step();
  sync();
  std::vector<double> ms;
  for (int r = 0; r < a.reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < a.steps; ++i) one_step();
    sync();
    ms.push_back(1000.0 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / a.steps);
  }
  std::sort(ms.begin(), ms.end());
  return ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  at::set_num_threads(a.threads);
  torch::manual_seed(1);
  const c10::Device device(a.device);
  auto sync = [&] {
    if (device.is_cuda()) torch::cuda::synchronize();
  };
  std::vector<Model> separate;
  for (int k = 0; k < a.seeds; ++k) separate.push_back(make(a.channels, 1, a, device));
  Model stacked = make(a.channels * a.seeds, a.seeds, a, device);

  // Alternating halves, so that drift of the machine hits both sides alike.
  double sep_ms = 0, stk_ms = 0;
  for (int round = 0; round < 2; ++round) {
    sep_ms += 0.5 * median_ms(a, [&] { for (auto& m : separate) step(m); }, sync);
    stk_ms += 0.5 * median_ms(a, [&] { step(stacked); }, sync);
  }
  const char* fmt =
      "impl=%s device=%s seeds=%d channels=%d layers=%d batch=%d size=%d threads=%d ms_per_step_all_seeds=%.2f\n";
  std::printf(fmt, "separate", device.str().c_str(), a.seeds, a.channels, a.layers, a.batch, a.size,
              at::get_num_threads(), sep_ms);
  std::printf(fmt, "stacked", device.str().c_str(), a.seeds, a.channels, a.layers, a.batch, a.size,
              at::get_num_threads(), stk_ms);
  std::printf("ratio separate/stacked=%.2f\n", sep_ms / stk_ms);
  return 0;
}
