// `spbench report RESULTS [--baseline CELL] [-o FILE]`: one self-contained
// HTML page for a matrix's results folder (tables/report_page.hpp): the
// ablation table with its paired comparison, the plots embedded, each
// cell's status, resolved spec and provenance.

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <spbench/analysis/tables/report_page.hpp>
#include <spbench/util/atomic_file.hpp>

#include "analysis_commands.hpp"

namespace spbench::cli {

namespace {

struct ReportArgs {
  std::string results;
  std::string baseline;
  std::string output;
  std::string plots;
  bool no_plots = false;
  bool no_timing = false;
  std::size_t top_n = 10;
  std::string precision_k = "10";
  std::size_t resamples = 1000;
  std::uint64_t seed = 0;
  bool no_comparison = false;
  std::string title;
  std::string score = "prediction";
};

void report(const ReportArgs& args) {
  namespace fs = std::filesystem;
  tables::ReportOptions options;
  options.ablation.baseline = args.baseline;
  options.ablation.timing = !args.no_timing;
  options.ablation.parameters.top_n = args.top_n;
  options.ablation.parameters.precision_k = args.precision_k;
  options.ablation.compare = !args.no_comparison;
  options.ablation.comparison_resamples = args.resamples;
  options.ablation.comparison_seed = args.seed;
  options.ablation.score = tables::parse_score_column(args.score);
  options.title = args.title;
  // The command that regenerates the page, for its footer.
  options.command_line = "spbench report " + args.results;
  if (!args.baseline.empty()) options.command_line += " --baseline " + args.baseline;
  if (args.no_comparison) options.command_line += " --no-comparison";
  if (args.no_timing) options.command_line += " --no-timing";
  if (options.ablation.score == tables::ScoreColumn::Loss) options.command_line += " --score loss";
  if (!args.no_plots) options.plots_dir = args.plots.empty() ? fs::path(args.results) / "plots" : fs::path(args.plots);
  const auto page = tables::build_report_page(args.results, options);
  for (const auto& w : page.warnings) std::cerr << "warning: " << w << '\n';
  for (const auto& p : page.plots) std::cerr << "plot: " << p.string() << '\n';
  const fs::path output = args.output.empty() ? fs::path(args.results) / "report.html" : fs::path(args.output);
  if (output.has_parent_path()) fs::create_directories(output.parent_path());
  write_file_atomic(output, page.html);
  std::cout << output.string() << '\n';
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "a self-contained HTML report of a matrix's results folder: the ablation table "
                                           "with its paired comparison, the plots, each cell's resolved spec and provenance");
  auto args = std::make_shared<ReportArgs>();
  cmd->add_option("results", args->results, "results folder of `spbench matrix` (or any folder of run folders)")
      ->required();
  cmd->add_option("--baseline", args->baseline,
                  "the row other rows are compared with (Δ and the paired comparison): a cell name, its id, or a row label");
  cmd->add_option("--output,-o", args->output, "the page to write (default: RESULTS/report.html)");
  cmd->add_option("--plots", args->plots,
                  "where the plots are drawn (PNG, SVG, PDF, with their .dat/.gp; default: RESULTS/plots)");
  cmd->add_flag("--no-plots", args->no_plots, "draw no plots (the page says so)");
  cmd->add_option("--title", args->title, "the page's title (default: spbench report: <matrix name>)");
  cmd->add_flag("--no-timing", args->no_timing, "leave out the training-time column");
  cmd->add_option("--top-n", args->top_n, "the point of the top-n Kendall curve shown in the table")->check(CLI::PositiveNumber);
  cmd->add_option("--precision-k", args->precision_k, "the precision@k entry shown (its label: 10, 50, 1%, …)");
  cmd->add_option("--resamples", args->resamples,
                  "with --baseline: bootstrap resamples (and random permutations) of the paired comparison (default 1000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", args->seed, "with --baseline: seed of the comparison's bootstrap and permutations (default 0)");
  cmd->add_flag("--no-comparison", args->no_comparison, "with --baseline: Δ only, no paired comparison (no predictions read)");
  cmd->add_option("--score", args->score,
                  "what ranks the architectures: prediction (the run's score, accuracy for a supernet; default) or "
                  "loss (predictions.csv's loss column, lower is better; every ranking column and the comparison)")
      ->check(CLI::IsMember({"prediction", "accuracy", "loss"}));
  cmd->callback([args] { report(*args); });
}

}  // namespace spbench::cli
