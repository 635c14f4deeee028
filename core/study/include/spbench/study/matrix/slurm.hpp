#pragma once
// The Slurm backend: one job-array task per unfinished cell, each running
// `spbench matrix-task <results> $SLURM_ARRAY_TASK_ID` (run_one_cell).

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "spbench/study/matrix/matrix.hpp"
#include "spbench/study/matrix/results_index.hpp"

namespace spbench::matrix {

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

// Submits `script` with `sbatch --parsable` and returns the job id. Throws
// std::runtime_error with sbatch's output when it refuses.
std::string submit_job_array(const std::filesystem::path& script);

}  // namespace spbench::matrix
