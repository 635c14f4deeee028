#include "spbench/study/matrix/cell_status.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>

#include "spbench/study/matrix/file_lock.hpp"
#include "spbench/study/matrix/results_index.hpp"
#include "spbench/engine/runs/run_directory.hpp"
#include "spbench/util/read_file.hpp"

namespace spbench::matrix {

namespace fs = std::filesystem;
using nlohmann::json;

int count_lines(const fs::path& file) {
  std::ifstream in(file);
  int n = 0;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ++n;
  return n;
}

std::string cell_state_name(CellState state) {
  switch (state) {
    case CellState::Pending: return "pending";
    case CellState::Running: return "running";
    case CellState::Interrupted: return "interrupted";
    case CellState::Finished: return "finished";
    case CellState::Failed: return "failed";
  }
  return "?";
}

CellStatus read_cell_status(const fs::path& cell_dir) {
  CellStatus s;
  s.epochs_done = count_lines(cell_dir / "train-log.jsonl");
  switch (RunDirectory::read_state(cell_dir)) {
    case RunState::Absent: s.state = CellState::Pending; break;
    case RunState::Finished: s.state = CellState::Finished; break;
    case RunState::Failed: s.state = CellState::Failed; break;
    case RunState::Running: {
      // Nobody holds the cell's lock: the run was killed. (Only meaningful
      // where flock is shared with the runner, i.e. the same machine or a
      // file system with working locks.)
      auto lock = FileLock::acquire(cell_dir / kCellLockFile);
      s.state = lock ? CellState::Interrupted : CellState::Running;
      break;
    }
  }
  try {
    if (fs::exists(cell_dir / "status.json"))
      s.message = json::parse(util::read_text(cell_dir / "status.json")).value("message", "");
  } catch (const json::exception&) {
  }
  return s;
}

std::string format_status(const fs::path& results_dir) {
  const MatrixIndex index = read_matrix_json(results_dir);
  std::map<CellState, int> counts;
  std::size_t width = 4;
  for (const auto& c : index.cells) width = std::max(width, c.name.size());
  std::string out = fmt::format("{:>3}  {:<8}  {:<{}}  {:<11}  {}\n", "#", "id", "cell", width, "state", "epochs");
  for (const auto& c : index.cells) {
    const CellStatus s = read_cell_status(results_dir / c.id);
    counts[s.state]++;
    out += fmt::format("{:>3}  {:<8}  {:<{}}  {:<11}  {}/{}{}\n", c.index, c.id, c.name.empty() ? "(base)" : c.name,
                       width, cell_state_name(s.state), s.epochs_done, c.epochs,
                       s.state == CellState::Failed && !s.message.empty() ? "  " + s.message : "");
  }
  out += fmt::format("{} cells: {} finished, {} running, {} interrupted, {} failed, {} pending\n", index.cells.size(),
                     counts[CellState::Finished], counts[CellState::Running], counts[CellState::Interrupted],
                     counts[CellState::Failed], counts[CellState::Pending]);
  return out;
}

}  // namespace spbench::matrix
