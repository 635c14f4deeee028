#pragma once
// The report page of a matrix's results folder (`spbench report`): one
// self-contained HTML file (inline CSS, no script, no external resource)
// holding the ablation table with its paired comparison (significance marks,
// noise floor, minimum detectable effect), the plots embedded as PNG data
// URIs, and per cell a <details> element with its status, resolved spec and
// provenance.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "spbench/analysis/tables/ablation_plots.hpp"
#include "spbench/analysis/tables/ablation_table.hpp"
#include "spbench/analysis/tables/cell_results.hpp"

namespace spbench::tables {

struct ReportOptions {
  AblationOptions ablation;          // the table's options (baseline, comparison, …)
  std::filesystem::path plots_dir;   // where the plots are drawn; empty: no plots
  std::string title;                 // empty: "spbench report: <matrix name or folder name>"
  std::string command_line;          // shown at the bottom when set
  std::size_t max_file_bytes = 256 * 1024;  // a cell's file is shown up to this many bytes
};

struct ReportPage {
  std::string html;
  std::vector<std::filesystem::path> plots;  // every plot file drawn (all formats)
  std::vector<std::string> warnings;         // gnuplot missing or failing, …
};

// Reads the results folder, builds the table (throws as read_cell_results
// and build_ablation_table do), draws the plots into options.plots_dir and
// composes the page. Writes nothing but the plots.
ReportPage build_report_page(const std::filesystem::path& results_dir, const ReportOptions& options);

// The page from its parts: `plots` as write_ablation_plots returned them
// (nullptr: plots not asked for).
std::string render_report_page(const std::filesystem::path& results_dir, const std::vector<CellResult>& cells,
                               const AblationTable& table, const PlotResult* plots, const ReportOptions& options);

// RFC 4648 base64 (with padding), for the data URIs.
std::string base64_encode(const std::string& bytes);

}  // namespace spbench::tables
