#pragma once
// Supervising one cell's run: the `spbench run` child process of a cell, its
// log, its lock, and its exit status. Both backends run a cell the same way:
// `spbench run cell.yaml --out <cell> --resume`, which starts afresh when
// there is no checkpoint yet and continues from the last one otherwise; a
// finished cell is never run again.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "spbench/study/matrix/file_lock.hpp"
#include "spbench/study/matrix/matrix.hpp"

namespace spbench::matrix {

struct CellCommand {
  std::filesystem::path exe;  // the spbench executable
  int threads = 1;            // --threads of every cell
  std::string data_root;      // --data-root, when given
  // The child's CUDA_VISIBLE_DEVICES when not empty (the GPU the local
  // backend gave the cell); empty: the child inherits the environment.
  std::string cuda_visible_devices;
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

// A waitpid status as an exit code (128 + signal for a killed child).
int exit_code(int wait_status);

// How long to wait for a cell's lock before calling it busy: long enough for
// the children of a just-killed matrix to be gone.
inline constexpr std::chrono::milliseconds kCellLockWait{10000};

// One cell, synchronously (`spbench matrix-task`, one Slurm array task):
// skips a finished cell; returns the child's exit status (0 when skipped).
int run_one_cell(const std::filesystem::path& results_dir, const Cell& cell, const CellCommand& command);

}  // namespace spbench::matrix
