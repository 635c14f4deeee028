#pragma once
// A matrix's results folder and how its cells are run: the index
// (results_index.hpp), cell states (cell_status.hpp), locks (file_lock.hpp),
// one cell's process (cell_process.hpp), the local scheduler
// (local_scheduler.hpp) and the Slurm backend (slurm.hpp). docs/matrix.md.

#include "spbench/study/matrix/cell_process.hpp"
#include "spbench/study/matrix/cell_status.hpp"
#include "spbench/study/matrix/file_lock.hpp"
#include "spbench/study/matrix/local_scheduler.hpp"
#include "spbench/study/matrix/results_index.hpp"
#include "spbench/study/matrix/slurm.hpp"
