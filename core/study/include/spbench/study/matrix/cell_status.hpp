#pragma once
// How far a matrix's cells are: each cell's state from its run folder, and
// the `spbench matrix --status` listing.

#include <filesystem>
#include <string>

namespace spbench::matrix {

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

// Non-empty lines of a file (train-log.jsonl: epochs logged); 0 when missing.
int count_lines(const std::filesystem::path& file);

}  // namespace spbench::matrix
