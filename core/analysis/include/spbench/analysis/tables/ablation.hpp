#pragma once
// Ablation tables over a matrix's results folder (`spbench table`): one row
// per cell, cells that differ only in `seed` grouped as mean ± std (n), Δ
// against a baseline row with the paired comparison of every row with it
// (baseline_comparison.hpp), the best value of each column marked, and the
// reference rows (parameters, FLOPs) of the cells' metrics.json.
//
// The parts: reading the results (cell_results.hpp), the table's content
// (ablation_table.hpp), its formats (table_renderer.hpp: md, csv, tex, html, json,
// one renderer each) and the plots (ablation_plots.hpp).

#include <filesystem>
#include <string>

#include "spbench/analysis/tables/ablation_plots.hpp"
#include "spbench/analysis/tables/ablation_table.hpp"
#include "spbench/analysis/tables/cell_results.hpp"
#include "spbench/analysis/tables/table_renderer.hpp"

namespace spbench::tables {

// By a format name of table_renderer.hpp's registry ("md", "latex", …);
// throws std::invalid_argument naming the formats for another name.
std::string render_ablation(const AblationTable& table, const std::string& format);

// read_cell_results + build_ablation_table + render_ablation.
std::string ablation_table(const std::filesystem::path& results_dir, const AblationOptions& options,
                           const std::string& format);

}  // namespace spbench::tables
