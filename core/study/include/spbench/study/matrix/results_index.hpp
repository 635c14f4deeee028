#pragma once
// A matrix's results folder: its index (matrix.json) and the cells' folders.
//
//   <results>/matrix.json          the cells: index, id, name, group, axis values, epochs
//                                  (and, for stand-alone ground truth, its epochs and cache)
//   <results>/.matrix.lock         held (flock) by the `spbench matrix` that runs the cells
//   <results>/<cell-id>/           an ordinary run folder (spbench run … --out) plus:
//       cell.yaml                  the cell's resolved spec, the one the run is started from
//       stdout.log                 everything the cell's `spbench run` printed (appended per attempt)
//       .cell.lock                 held while the cell runs, by whoever runs it
//   <results>/slurm/array.sbatch   the Slurm job array (Slurm backend), task-<i>.out its outputs

#include <filesystem>
#include <string>
#include <vector>

#include "spbench/study/matrix/matrix.hpp"

namespace spbench::matrix {

inline constexpr const char* kMatrixFile = "matrix.json";
inline constexpr const char* kCellSpecFile = "cell.yaml";
inline constexpr const char* kCellLogFile = "stdout.log";
inline constexpr const char* kCellLockFile = ".cell.lock";

struct MatrixIndex {
  std::string name;                    // the base spec's name
  std::filesystem::path spec;          // the matrix spec file
  std::vector<std::string> axis_keys;
  std::vector<Cell> cells;
};

std::string matrix_json(const MatrixIndex& index);
// Throws std::runtime_error when there is no readable matrix.json.
MatrixIndex read_matrix_json(const std::filesystem::path& results_dir);

// Writes matrix.json and every cell's folder with its cell.yaml. Throws
// std::runtime_error, before writing anything, when a cell that already
// started holds a cell.yaml that differs from the one it would get now (the
// base spec changed under a half-run matrix: mixing results would lie).
void prepare_results(const std::filesystem::path& results_dir, const ResolvedMatrix& matrix);

}  // namespace spbench::matrix
