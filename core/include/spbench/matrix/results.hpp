#pragma once
// A matrix's results folder and how its cells are run.
//
//   <results>/matrix.json          the cells: index, id, name, group, axis values, epochs
//   <results>/.matrix.lock         held (flock) by the `spbench matrix` that runs the cells
//   <results>/<cell-id>/           an ordinary run folder (spbench run … --out) plus:
//       cell.yaml                  the cell's resolved spec, the one the run is started from
//       stdout.log                 everything the cell's `spbench run` printed (appended per attempt)
//       .cell.lock                 held while the cell runs, by whoever runs it
//   <results>/slurm/array.sbatch   the Slurm job array (Slurm backend), task-<i>.out its outputs
//
// Both backends run a cell the same way: `spbench run cell.yaml --out <cell>
// --resume`, which starts afresh when there is no checkpoint yet and
// continues from the last one otherwise; a finished cell is never run again.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "spbench/matrix/matrix.hpp"

namespace spbench::matrix {

inline constexpr const char* kMatrixFile = "matrix.json";
inline constexpr const char* kCellSpecFile = "cell.yaml";
inline constexpr const char* kCellLogFile = "stdout.log";

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

enum class CellState { Pending, Running, Interrupted, Finished, Failed };
std::string cell_state_name(CellState state);

struct CellStatus {
  CellState state = CellState::Pending;
  int epochs_done = 0;  // lines of train-log.jsonl
  std::string message;  // status.json's message (e.g. the error of a failed run)
};

// A cell's state from its status.json; a "running" cell whose lock is free
// on this machine is reported as interrupted.
CellStatus read_cell_status(const std::filesystem::path& cell_dir);
// `spbench matrix --status`: one line per cell and a summary line.
std::string format_status(const std::filesystem::path& results_dir);

// An exclusive flock on a file (created when missing). Released when the
// object is destroyed, or when every process holding the descriptor is
// gone: a child that inherits it (see start_cell) keeps the lock while it
// lives, so a rerun can never start a cell whose previous run is still dying.
class FileLock {
 public:
  // Tries for up to `wait`; std::nullopt when someone else still holds it.
  static std::optional<FileLock> acquire(const std::filesystem::path& file,
                                         std::chrono::milliseconds wait = std::chrono::milliseconds(0));
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();
  int fd() const { return fd_; }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct CellCommand {
  std::filesystem::path exe;  // the spbench executable
  int threads = 1;            // --threads of every cell
  std::string data_root;      // --data-root, when given
};

// The arguments (without the executable) that run one cell.
std::vector<std::string> cell_arguments(const CellCommand& command, const std::filesystem::path& cell_dir);

// Starts one cell's `spbench run` as a child process with its output
// appended to <cell>/stdout.log. The child dies with this process
// (PR_SET_PDEATHSIG), so a killed matrix leaves no orphan training, and it
// inherits `lock` so that the cell stays locked until it is gone. Must be
// called from the main thread (the death signal follows the thread).
pid_t start_cell(const CellCommand& command, const std::filesystem::path& cell_dir, const FileLock& lock);

// The path of the running executable (/proc/self/exe).
std::filesystem::path current_executable();

struct LocalRunOptions {
  CellCommand command;
  int jobs = 1;
  bool progress_bar = false;  // a bar on a terminal, plain lines otherwise
};

struct LocalRunSummary {
  int finished = 0;  // this time
  int skipped = 0;   // finished before
  std::vector<std::pair<Cell, std::string>> failed;  // the cell and its log file
  std::vector<Cell> busy;                            // locked by another process
  bool ok() const { return failed.empty() && busy.empty(); }
};

// Runs every cell of `index` that is not finished, `jobs` at a time. The
// caller holds the results folder's .matrix.lock. Lines about cells go to
// stderr.
LocalRunSummary run_local(const std::filesystem::path& results_dir, const MatrixIndex& index,
                          const LocalRunOptions& options);

// One cell, synchronously (`spbench matrix-task`, one Slurm array task):
// skips a finished cell; returns the child's exit status (0 when skipped).
int run_one_cell(const std::filesystem::path& results_dir, const Cell& cell, const CellCommand& command);

struct SlurmOptions {
  SlurmSettings settings;
  int threads = 0;  // --threads of each task; 0: the cpus requested (1 when none)
  std::string data_root;
};

// The sbatch job-array script for the cells at `indices` of the matrix.
std::string sbatch_script(const std::filesystem::path& results_dir, const MatrixIndex& index,
                          const std::vector<std::size_t>& indices, const SlurmOptions& options,
                          const std::filesystem::path& exe);

// "0-3", "0,2,5-7": the compact --array list.
std::string array_ranges(const std::vector<std::size_t>& indices);

}  // namespace spbench::matrix
