// `spbench score PREDICTIONS.csv --truth FILE --metric COLUMN`: scores any
// predictions table against a benchmark column (metrics/score_predictions.hpp).

#include <iostream>

#include <spbench/analysis/metrics/score_predictions.hpp>

#include "analysis_commands.hpp"

namespace spbench::cli {

namespace {

struct ScoreArgs {
  std::string predictions;
  std::string truth;
  std::string metric = "cifar10_test_acc";
  std::string column = "prediction";
  bool lower_is_better = false;
  std::string format = "text";
  std::size_t bootstrap = 1000;
  std::uint64_t seed = 0;
  std::string zero_cost;
};

}  // namespace

void add_score_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("score", "rank-correlation metrics of a predictions file against ground truth");
  auto args = std::make_shared<ScoreArgs>();
  cmd->add_option("predictions", args->predictions, "CSV with an `arch` or `index` column and a score column")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--truth", args->truth, "benchmark table, e.g. ../shared/data/nb201/nb201.csv")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--metric", args->metric, "the truth column (default: cifar10_test_acc)");
  cmd->add_option("--column", args->column, "the score column of the predictions (default: prediction)");
  cmd->add_flag("--lower-is-better", args->lower_is_better, "the score is a loss: negate it before scoring");
  cmd->add_option("--format", args->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--bootstrap", args->bootstrap, "bootstrap resamples for the intervals (0: none; default 1000)");
  cmd->add_option("--seed", args->seed, "bootstrap seed (default 0)");
  cmd->add_option("--zero-cost", args->zero_cost,
                  "CSV of zero-cost scores (spbench zero-cost --out): each proxy column becomes a reference row")
      ->check(CLI::ExistingFile);
  cmd->callback([args] {
    metrics::ScorePredictionsOptions o;
    o.predictions = args->predictions;
    o.truth = args->truth;
    o.metric = args->metric;
    o.column = args->column;
    o.lower_is_better = args->lower_is_better;
    o.format = args->format == "json" ? metrics::ReportFormat::Json : metrics::ReportFormat::Text;
    o.ranking.bootstrap_resamples = args->bootstrap;
    o.ranking.bootstrap_seed = args->seed;
    o.zero_cost = args->zero_cost;
    std::cout << metrics::score_predictions_file(o) << std::flush;
  });
}

}  // namespace spbench::cli
