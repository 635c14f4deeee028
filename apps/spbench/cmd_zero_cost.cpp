// `spbench zero-cost`: zero-cost proxies (synflow, snip, grad_norm,
// jacob_cov, naswot) of NAS-Bench-201 stand-alone networks at
// initialisation, cached per (architecture, data set, proxy, batch, seed),
// written as a predictions-like CSV (arch, index, one column per proxy) that
// `spbench score --column PROXY` and `--zero-cost` read.

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <optional>

#include <spbench/analysis/results/benchmark_table.hpp>
#include <spbench/analysis/results/ground_truth.hpp>
#include <spbench/analysis/results/predictions_file.hpp>
#include <spbench/engine/data/load.hpp>
#include <spbench/engine/data/paths.hpp>
#include <spbench/engine/evaluation/architecture_set.hpp>
#include <spbench/study/ground_truth/zero_cost.hpp>
#include <spbench/study/shards.hpp>
#include <spbench/sdk/random_seeds.hpp>
#include <spbench/util/atomic_file.hpp>

#include "commands.hpp"

namespace spbench::cli {

namespace {

struct ZeroCostArgs {
  std::string archs = "all";
  std::string proxies = "all";
  std::string dataset = "cifar10";
  std::string data_root;
  int channels = 16;
  int cells = 5;
  std::int64_t batch = 64;
  std::int64_t naswot_batch = 128;
  std::uint64_t seed = 0;
  std::string images = "shared";
  std::string shard = "0/1";
  std::string cache;
  std::string out;
  int threads = 0;
  std::string predictions_dir;
  std::string truth;
  std::string metric = "cifar10_test_acc";
};

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    if (ch == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(cur);
  return out;
}

// all | sample:N:SEED (uniform, in the order drawn) | list:FILE
std::vector<CellArch> select(const std::string& text) {
  const std::vector<CellArch> all = SearchSpace().enumerate();
  if (text == "all") {
    std::vector<CellArch> out = all;
    evaluation::sort_by_index(out);
    return out;
  }
  if (text.rfind("list:", 0) == 0) return evaluation::read_architecture_list(text.substr(5));
  if (text.rfind("sample:", 0) == 0) {
    const auto parts = split(text, ':');
    if (parts.size() != 3) throw std::invalid_argument(fmt::format("--archs {}: expected sample:N:SEED", text));
    const std::int64_t n = std::stoll(parts[1]);
    const std::uint64_t seed = std::stoull(parts[2]);
    // In a seeded random order, so that any prefix (a run stopped early)
    // is itself a uniform sample.
    std::vector<CellArch> s = evaluation::uniform_sample(all, n, seed);
    torch::manual_seed(mix_seed({seed, 0x4F524445ULL}));
    const at::Tensor perm = at::randperm(static_cast<std::int64_t>(s.size()), at::kLong);
    std::vector<CellArch> out;
    for (std::int64_t i = 0; i < perm.size(0); ++i) out.push_back(s[static_cast<std::size_t>(perm[i].item<std::int64_t>())]);
    return out;
  }
  throw std::invalid_argument(fmt::format("--archs {}: expected all, sample:N:SEED or list:FILE", text));
}

std::string number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); }

void write_csv(const std::filesystem::path& file, const std::vector<std::string>& proxies,
               const std::vector<ground_truth::ZeroCostResult>& rows) {
  std::string text = "arch,index";
  for (const auto& p : proxies) text += "," + p;
  text += "\n";
  for (const auto& r : rows) {
    text += fmt::format("{},{}", r.arch.to_string(), r.index);
    for (const auto& p : proxies) text += "," + number(r.values.at(p));
    text += "\n";
  }
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  write_file_atomic(file, text);
}

}  // namespace

void add_zero_cost_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "zero-cost", "zero-cost proxies of stand-alone NAS-Bench-201 networks at initialisation (cached; CSV for score)");
  auto args = std::make_shared<ZeroCostArgs>();
  cmd->add_option("--archs", args->archs, "all, sample:N:SEED (uniform) or list:FILE (indices, strings or a CSV "
                                          "with an index/arch column); default all");
  cmd->add_option("--proxies", args->proxies, "comma-separated: synflow,snip,grad_norm,jacob_cov,naswot or all (default)");
  cmd->add_option("--dataset", args->dataset, "cifar10 (default; its 50k training images) or cifar100")
      ->check(CLI::IsMember({"cifar10", "cifar100"}));
  cmd->add_option("--data-root", args->data_root, "(default: $SPBENCH_DATA_ROOT, else ../shared/data)");
  cmd->add_option("--channels", args->channels, "C (default 16)");
  cmd->add_option("--cells", args->cells, "N cells per stage (default 5)");
  cmd->add_option("--batch", args->batch, "images for snip, grad_norm and jacob_cov (default 64)");
  cmd->add_option("--naswot-batch", args->naswot_batch, "images for naswot (default 128)");
  cmd->add_option("--seed", args->seed, "images and initialisation (default 0)");
  cmd->add_option("--images", args->images,
                  "shared (default: one batch for every architecture) or per-architecture (each its own batch, "
                  "seeded by --seed and its index, as zero-cost-nas draws the next batch of a shuffled loader)")
      ->check(CLI::IsMember({"shared", "per-architecture"}));
  cmd->add_option("--shard", args->shard, "I/K: this process scores every K-th selected architecture from the I-th");
  cmd->add_option("--cache", args->cache, "cache folder, shared by runs and shards (default: none)");
  cmd->add_option("--out", args->out, "CSV: arch, index, one column per proxy (empty: undefined)")->required();
  cmd->add_option("--threads", args->threads, "LibTorch threads (default: LibTorch's)");
  cmd->add_option("--predictions-dir", args->predictions_dir,
                  "also write DIR/PROXY.csv per proxy in predictions.csv's format (arch, index, prediction, loss, "
                  "truth; undefined scores left out), e.g. for spbench stats paired over seeds");
  cmd->add_option("--truth", args->truth, "benchmark table for the truth column of --predictions-dir files");
  cmd->add_option("--metric", args->metric, "its column (default cifar10_test_acc)");
  cmd->callback([args] {
    if (args->threads > 0) torch::set_num_threads(args->threads);
    const auto proxies = ground_truth::parse_zero_cost_proxies(args->proxies);
    const auto shard = evaluation::parse_shard(args->shard);
    std::vector<CellArch> archs = select(args->archs);
    std::vector<CellArch> mine;
    for (std::size_t i = 0; i < archs.size(); ++i)
      if (static_cast<int>(i % static_cast<std::size_t>(shard.count)) == shard.index) mine.push_back(archs[i]);

    data::DataSpec ds;
    ds.dataset = args->dataset;
    ds.split = args->dataset == "cifar10" ? "cifar10" : "train-test";
    const auto root = data::resolve_data_root(args->data_root);
    const data::DataSplits splits = data::load_data(ds, root);

    ground_truth::ZeroCostConfig config;
    config.network.channels = args->channels;
    config.network.cells_per_stage = args->cells;
    config.network.num_classes = splits.train.num_classes;
    config.network.input_channels = static_cast<int>(splits.train.channels());
    config.batch_size = args->batch;
    config.naswot_batch_size = args->naswot_batch;
    config.seed = args->seed;
    config.images = ground_truth::parse_zero_cost_images(args->images);
    config.data = fmt::format("dataset={};split={};augment=true", ds.dataset, ds.split);
    ground_truth::ZeroCostScorer scorer(config, splits.train, args->cache);
    scorer.set_message_sink([](const std::string& m) { std::cerr << m << '\n'; });

    std::cerr << fmt::format("zero-cost: {} of {} architectures (shard {}/{}), proxies {}, images {}, {} threads\n",
                             mine.size(), archs.size(), shard.index, shard.count, fmt::join(proxies, ","),
                             ground_truth::to_string(config.images), torch::get_num_threads());
    std::vector<ground_truth::ZeroCostResult> rows;
    std::map<std::string, double> seconds;
    std::map<std::string, int> computed;
    auto last_write = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < mine.size(); ++i) {
      rows.push_back(scorer.get(mine[i], proxies));
      const auto& r = rows.back();
      std::string line = fmt::format("zero-cost {}/{}: #{}", i + 1, mine.size(), r.index);
      for (const auto& p : proxies) line += fmt::format(" {}={:.6g}", p, r.values.at(p));
      line += r.computed ? fmt::format(" ({} computed", r.computed) : std::string(" (cached");
      if (r.computed)
        for (const auto& p : proxies) {
          seconds[p] += r.seconds.at(p);
          ++computed[p];
        }
      if (r.computed) {
        double total = 0;
        for (const auto& [p, s] : r.seconds) total += (p == "grad_norm" && r.seconds.count("snip")) ? 0 : s;
        line += fmt::format(", {:.2f}s", total);
      }
      std::cerr << line << ")\n";
      if (std::chrono::steady_clock::now() - last_write > std::chrono::seconds(60)) {
        write_csv(args->out, proxies, rows);
        last_write = std::chrono::steady_clock::now();
      }
    }
    write_csv(args->out, proxies, rows);
    if (!args->predictions_dir.empty()) {
      std::optional<tables::GroundTruth> truth;
      if (!args->truth.empty())
        truth = tables::load_ground_truth(tables::BenchmarkTable::read(args->truth), args->metric).values;
      std::filesystem::create_directories(args->predictions_dir);
      for (const auto& p : proxies) {
        std::vector<tables::PredictionRow> out;
        for (const auto& r : rows) {
          const double v = r.values.at(p);
          if (!std::isfinite(v)) continue;
          tables::PredictionRow row;
          row.arch = r.arch.to_string();
          row.index = r.index;
          row.prediction = v;
          if (truth) row.truth = truth->at(r.index);
          out.push_back(row);
        }
        tables::write_predictions_csv(std::filesystem::path(args->predictions_dir) / (p + ".csv"), out);
      }
    }
    for (const auto& p : proxies)
      if (computed[p])
        std::cerr << fmt::format("zero-cost: {} {:.3f} s per architecture over {} computed{}\n", p,
                                 seconds[p] / computed[p], computed[p],
                                 (p == "snip" || p == "grad_norm") ? " (snip and grad_norm share one pass)" : "");
    std::cout << fmt::format("wrote {} ({} architectures)\n", args->out, rows.size());
  });
}

}  // namespace spbench::cli
