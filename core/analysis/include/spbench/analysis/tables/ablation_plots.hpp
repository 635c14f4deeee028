#pragma once
// The matrix's plots, drawn by gnuplot from the ablation table and the cells.

#include <filesystem>
#include <string>
#include <vector>

#include "spbench/analysis/tables/ablation_table.hpp"
#include "spbench/analysis/tables/cell_results.hpp"

namespace spbench::tables {

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
