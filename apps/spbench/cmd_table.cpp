// `spbench table RESULTS_DIR [--format md|csv|tex|html|json] [--baseline CELL]`:
// the ablation table of a matrix's results folder, and optionally its plots.
// With a baseline, the paired comparison (tables/baseline_comparison.hpp) is
// added to the table and written in full to RESULTS/comparison.json.

#include <fmt/format.h>

#include <iostream>

#include <spbench/util/atomic_file.hpp>
#include <spbench/analysis/metrics/metric_registry.hpp>
#include <spbench/analysis/tables/ablation.hpp>

#include "analysis_commands.hpp"

namespace spbench::cli {

namespace {

struct TableArgs {
  std::string results;
  std::string format = "md";
  std::string baseline;
  bool no_timing = false;
  std::size_t top_n = 10;
  std::string precision_k = "10";
  std::string plots;
  std::string output;
  std::size_t resamples = 1000;
  std::uint64_t seed = 0;
  bool no_comparison = false;
  std::string json;
  std::string score = "prediction";
};

void table(const TableArgs& args) {
  tables::AblationOptions options;
  options.baseline = args.baseline;
  options.timing = !args.no_timing;
  options.parameters.top_n = args.top_n;
  options.parameters.precision_k = args.precision_k;
  options.compare = !args.no_comparison;
  options.comparison_resamples = args.resamples;
  options.comparison_seed = args.seed;
  options.score = tables::parse_score_column(args.score);
  const auto renderer = tables::make_table_renderer(args.format);
  const auto cells = tables::read_cell_results(args.results, options);
  const auto built = tables::build_ablation_table(cells, options);
  const std::string text = renderer->render(built);
  if (args.output.empty())
    std::cout << text;
  else
    write_file_atomic(args.output, text);
  // The comparison's numbers in full, beside the cells, whatever format was printed.
  if (!built.comparison.baseline.empty()) {
    const std::string json_file = args.json.empty() ? (std::filesystem::path(args.results) / "comparison.json").string() : args.json;
    write_file_atomic(json_file, tables::render_ablation(built, "json"));
    std::cerr << "comparison: " << json_file << '\n';
  }
  if (!args.plots.empty()) {
    const auto plots = tables::write_ablation_plots(cells, built, args.plots);
    for (const auto& w : plots.warnings) std::cerr << "warning: " << w << '\n';
    for (const auto& p : plots.written) std::cerr << "plot: " << p.string() << '\n';
  }
}

}  // namespace

void add_table_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("table", "the ablation table of a matrix's results folder (one row per cell, "
                                          "seeds as mean ± std (n))");
  auto args = std::make_shared<TableArgs>();
  cmd->add_option("results", args->results, "results folder of `spbench matrix` (or any folder of run folders)")
      ->required();
  cmd->add_option("--format", args->format, "md, csv, tex, html or json")
      ->check(CLI::IsMember(tables::table_format_names()));
  std::string paired;
  for (const auto& key : metrics::paired_metric_keys()) paired += (paired.empty() ? "" : ", ") + key;
  cmd->add_option("--baseline", args->baseline,
                  "the row other rows are compared with (a cell name, its id, or a row label): Δ in every column, and "
                  "the paired comparison of each row with it in " + paired +
                  ": Δ with its 95 % hierarchical-bootstrap interval (seeds, then architectures), the permutation "
                  "test's p, p Holm-adjusted across the rows, the baseline's seed-to-seed sd (noise floor) and the "
                  "minimum detectable effect of the seeds (docs/metrics.md)");
  cmd->add_flag("--no-timing", args->no_timing, "leave out the training-time column (for comparing tables across machines)");
  cmd->add_option("--top-n", args->top_n, "the point of the top-n Kendall curve shown")->check(CLI::PositiveNumber);
  cmd->add_option("--precision-k", args->precision_k, "the precision@k entry shown (its label: 10, 50, 1%, …)");
  cmd->add_option("--plots", args->plots, "also write the plots (PNG, SVG and PDF, via gnuplot) into this folder");
  cmd->add_option("--output,-o", args->output, "write the table to this file instead of standard output");
  cmd->add_option("--resamples", args->resamples,
                  "with --baseline: bootstrap resamples (and random permutations) of the paired comparison (default 1000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", args->seed, "with --baseline: seed of the comparison's bootstrap and permutations (default 0)");
  cmd->add_flag("--no-comparison", args->no_comparison, "with --baseline: Δ only, no paired comparison (no predictions read)");
  cmd->add_option("--json", args->json,
                  "with --baseline: where the table and comparison go as JSON (default: RESULTS/comparison.json)");
  cmd->add_option("--score", args->score,
                  "what ranks the architectures: prediction (the run's score, accuracy for a supernet; default) or "
                  "loss (predictions.csv's loss column, lower is better; every ranking column and the comparison)")
      ->check(CLI::IsMember({"prediction", "accuracy", "loss"}));
  cmd->callback([args] { table(*args); });
}

}  // namespace spbench::cli
