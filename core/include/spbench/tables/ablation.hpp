#pragma once
// Ablation tables over a matrix's results folder (`spbench table`): one row
// per cell, cells that differ only in `seed` grouped as mean ± std (n), Δ
// against a baseline row, the best value of each column marked, and the
// reference rows (parameters, FLOPs) of the cells' metrics.json.
//
// A cell's numbers come from its run folder:
//   metrics.json     the RankingReport JSON (metrics::to_json), either at the
//                    top level or under "metrics", plus "reference_rows":
//                    [{name, column, metrics}]. Fields are looked up by name,
//                    so extra keys do no harm and missing ones read "n/a".
//   train-log.jsonl  one line per epoch: training time is the sum of
//                    "seconds", the final loss the last line's "loss".
// Only finished cells contribute values; the "runs" column says how many.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace spbench::tables {

struct CellResult {
  std::string id;
  std::string name;   // "sampler=uniform,strategy=one-shot,seed=0"; empty for a spec without matrix
  std::string group;  // the name without the seed axis
  std::filesystem::path dir;
  bool finished = false;
  std::map<std::string, double> values;  // by column key; absent: not available
  // Reference rows by name ("params", "flops"): their values by column key.
  std::vector<std::pair<std::string, std::map<std::string, double>>> references;
  // The top-n Kendall curve: (architectures, tau), in the file's order.
  std::vector<std::pair<double, double>> top_n_curve;
};

struct AblationOptions {
  std::string baseline;           // a group label, cell name or cell id; empty: no Δ
  bool timing = true;             // include the training-time column
  std::size_t top_n = 10;         // which point of the top-n Kendall curve
  std::string precision_k = "10"; // which precision@k entry (its label: "10", "1%", …)
};

// Reads <results>/matrix.json and every cell's folder. Without matrix.json,
// every sub-folder holding a status.json is one cell named by its folder.
// Throws std::runtime_error when there is nothing to read.
std::vector<CellResult> read_cell_results(const std::filesystem::path& results_dir, const AblationOptions& options = {});

struct Stat {
  double mean = 0;
  double stdev = 0;  // sample standard deviation; NaN for n < 2
  int n = 0;       // values available; 0: n/a
};

struct AblationColumn {
  std::string key;    // kendall_tau, spearman_rho, pearson_r, top_n_tau, precision_at_k, best_truth, final_loss, train_seconds
  std::string title;  // plain text (markdown, csv header is the key)
  std::string tex;    // LaTeX title
  std::string html;   // HTML title
  bool higher_is_better = true;
  int digits = 3;
  bool reference = true;  // meaningful for the reference rows
};

struct AblationRow {
  std::string label;
  int cells = 0;     // cells in the group
  int finished = 0;  // of which finished
  bool baseline = false;
  bool reference = false;
  std::vector<Stat> values;   // one per column
  std::vector<double> delta;  // one per column; NaN: none
  std::vector<bool> best;     // one per column
};

struct AblationTable {
  std::vector<AblationColumn> columns;
  std::vector<AblationRow> rows;        // cells (grouped over seeds)
  std::vector<AblationRow> references;  // parameters, FLOPs
  std::string baseline;                 // label of the baseline row, when there is one
  bool grouped = false;                 // some row averages several cells
};

// Throws std::runtime_error for a baseline that names no row (with the rows).
AblationTable build_ablation_table(const std::vector<CellResult>& cells, const AblationOptions& options);

enum class TableFormat { Markdown, Csv, Tex, Html };
// "md", "csv", "tex", "html"; throws std::invalid_argument otherwise.
TableFormat parse_table_format(const std::string& name);

std::string render_ablation(const AblationTable& table, TableFormat format);

// read_cell_results + build_ablation_table + render_ablation.
std::string ablation_table(const std::filesystem::path& results_dir, const AblationOptions& options, TableFormat format);

// Plots (PNG, through gnuplot) into `out_dir`: topn-kendall.png (Kendall tau
// against top-n, mean ± std band per row), scatter.png (prediction against
// truth per cell, from predictions.csv), ablation.png (Kendall tau per row,
// bars with std whiskers). A plot without data is left out.
struct PlotResult {
  std::vector<std::filesystem::path> written;
  std::vector<std::string> warnings;  // e.g. gnuplot missing: nothing written
};
PlotResult write_ablation_plots(const std::vector<CellResult>& cells, const AblationTable& table,
                                const std::filesystem::path& out_dir);

}  // namespace spbench::tables
