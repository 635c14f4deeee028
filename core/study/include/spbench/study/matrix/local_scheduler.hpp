#pragma once
// The local backend: the cells of a results folder run as child processes
// on this machine, `jobs` at a time, with one progress display (and ETA) for
// the whole matrix.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "spbench/study/matrix/cell_process.hpp"
#include "spbench/study/matrix/matrix.hpp"
#include "spbench/study/matrix/results_index.hpp"

namespace spbench::matrix {

struct LocalRunOptions {
  CellCommand command;
  int jobs = 1;
  // GPUs to spread the cells over: each cell gets one as its
  // CUDA_VISIBLE_DEVICES (the least busy, lowest first), several cells per
  // GPU when jobs > GPUs. Empty: cells inherit the environment.
  std::vector<std::string> gpus;
  bool progress_bar = false;  // a bar on a terminal, plain lines otherwise
};

struct LocalRunSummary {
  int finished = 0;  // this time
  int skipped = 0;   // finished before
  std::vector<std::pair<Cell, std::string>> failed;  // the cell and its log file
  std::vector<Cell> busy;                            // locked by another process
  bool ok() const { return failed.empty() && busy.empty(); }
};

// The GPU a new cell gets: the one running the fewest cells, the lowest
// index among equals. `running[i]`: cells now on GPU i (not empty).
std::size_t least_busy_gpu(const std::vector<int>& running);

// The GPUs to spread cells over: `requested` ("0,1,3"; "none" for none)
// when given, else CUDA_VISIBLE_DEVICES's list when set, else 0..count-1 of
// the `count` devices LibTorch sees.
std::vector<std::string> gpu_list(const std::string& requested, const char* cuda_visible_devices, int count);

// Runs every cell of `index` that is not finished, `jobs` at a time. The
// caller holds the results folder's .matrix.lock. Lines about cells go to
// stderr.
LocalRunSummary run_local(const std::filesystem::path& results_dir, const MatrixIndex& index,
                          const LocalRunOptions& options);

// The work the matrix's progress display counts, and its ETA extrapolates
// from, in epochs: each cell's training epochs, plus the stand-alone ground
// truth it will train (Cell::ground_truth_*: architectures × epochs each).
// Cells that share a cache folder share its trainings, so they are counted
// once, for the first such cell, less those already in the cache. One
// stand-alone epoch counts as one super-network epoch: both are one pass of
// one path over the same training split.
struct MatrixWork {
  std::vector<std::int64_t> cell_units;  // per cell: the units its end adds
  std::int64_t total = 0;
};
// `cached(folder)`: architectures already trained in that cache folder.
MatrixWork estimate_matrix_work(const std::vector<const Cell*>& cells,
                                const std::function<std::int64_t(const std::string&)>& cached);

// Architectures trained in a stand-alone cache folder (its <index>.json
// files); 0 when the folder is missing.
std::int64_t cached_trainings(const std::filesystem::path& cache_folder);

}  // namespace spbench::matrix
