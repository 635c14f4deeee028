// `spbench stats paired A.csv[,A2.csv…] B.csv[,B2.csv…]`: the paired
// comparison of two arms of predictions files (one file per seed), exactly
// as `spbench table --baseline` computes it for a row, printed as JSON.
// scripts/check-statistics checks these numbers against scipy.

#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include <spbench/analysis/statistics/paired_comparison.hpp>
#include <spbench/analysis/tables/baseline_comparison.hpp>

#include "analysis_commands.hpp"

namespace spbench::cli {

namespace {

struct PairedArgs {
  std::string a, b;
  std::string levels = "both";
  std::size_t resamples = 1000;
  std::uint64_t seed = 0;
  std::size_t top_n = 10;
  std::string precision_k = "10";
  double confidence = 0.95;
  bool independent = false;
  std::string score = "prediction";
};

// "f0.csv,f1.csv" → (seed label, file): the i-th file is seed "i" of its arm,
// so that two arms with as many files are paired file by file.
std::vector<std::pair<std::string, std::filesystem::path>> arm(const std::string& list, const std::string& prefix) {
  std::vector<std::pair<std::string, std::filesystem::path>> out;
  std::stringstream in(list);
  for (std::string file; std::getline(in, file, ',');)
    if (!file.empty()) out.emplace_back(prefix + std::to_string(out.size()), file);
  return out;
}

void paired(const PairedArgs& args) {
  // Independent arms get seed labels that never match, so nothing pairs them.
  const auto data =
      tables::read_paired_data(arm(args.a, args.independent ? "a" : ""), arm(args.b, args.independent ? "b" : ""),
                               tables::parse_score_column(args.score));
  statistics::PairedOptions o;
  o.resamples = args.resamples;
  o.seed = args.seed;
  o.parameters.top_n = args.top_n;
  o.parameters.precision_k = args.precision_k;
  o.confidence = args.confidence;
  o.levels = args.levels == "seeds"           ? statistics::ResampleLevels::Seeds
             : args.levels == "architectures" ? statistics::ResampleLevels::Architectures
                                              : statistics::ResampleLevels::Both;
  std::cout << statistics::to_json(statistics::compare_paired(data, o)) << '\n';
}

}  // namespace

void add_stats_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("stats", "statistics of spbench on given inputs, as JSON (for checking them independently)");
  cmd->require_subcommand(1);
  auto* p = cmd->add_subcommand("paired", "paired comparison of arm A with baseline arm B (docs/metrics.md)");
  auto args = std::make_shared<PairedArgs>();
  p->add_option("a", args->a, "arm A: predictions files (index, prediction, truth), one per seed, comma-separated")->required();
  p->add_option("b", args->b, "arm B (the baseline), as arm A; the i-th files of both arms are a pair of seeds")->required();
  p->add_option("--levels", args->levels, "what the bootstrap resamples: both (seeds, then architectures), seeds, architectures")
      ->check(CLI::IsMember({"both", "seeds", "architectures"}));
  p->add_option("--resamples", args->resamples, "bootstrap resamples and random permutations (default 1000)")
      ->check(CLI::PositiveNumber);
  p->add_option("--seed", args->seed, "seed of the bootstrap and permutations (default 0)");
  p->add_option("--top-n", args->top_n, "n of top_n_tau (default 10)")->check(CLI::PositiveNumber);
  p->add_option("--precision-k", args->precision_k, "k of precision_at_k: a count or a percentage such as 1% (default 10)");
  p->add_option("--confidence", args->confidence, "interval level (default 0.95)")->check(CLI::Range(0.5, 0.999999));
  p->add_flag("--independent", args->independent, "the arms' seeds are unrelated: resample and test them independently");
  p->add_option("--score", args->score, "the column that ranks: prediction (default) or loss (lower is better, negated)")
      ->check(CLI::IsMember({"prediction", "accuracy", "loss"}));
  p->callback([args] { paired(*args); });
}

}  // namespace spbench::cli
