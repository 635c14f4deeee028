#include "spbench/util/fault_injection.hpp"
#include "spbench/study/matrix/local_scheduler.hpp"

#include <sys/wait.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "spbench/study/matrix/cell_status.hpp"
#include "spbench/study/matrix/file_lock.hpp"
#include "spbench/util/progress.hpp"
#include "spbench/engine/runs/run_directory.hpp"

namespace spbench::matrix {

namespace fs = std::filesystem;

std::size_t least_busy_gpu(const std::vector<int>& running) {
  if (running.empty()) throw std::invalid_argument("least_busy_gpu: no GPUs");
  return static_cast<std::size_t>(std::min_element(running.begin(), running.end()) - running.begin());
}

std::vector<std::string> gpu_list(const std::string& requested, const char* cuda_visible_devices, int count) {
  const auto split = [](const std::string& text) {
    std::vector<std::string> out;
    std::string item;
    for (char ch : text + ",") {
      if (ch == ',') {
        if (!item.empty()) out.push_back(item);
        item.clear();
      } else if (ch != ' ') {
        item += ch;
      }
    }
    return out;
  };
  if (requested == "none") return {};
  if (!requested.empty()) return split(requested);
  if (cuda_visible_devices && *cuda_visible_devices) return split(cuda_visible_devices);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(std::to_string(i));
  return out;
}

LocalRunSummary run_local(const fs::path& results_dir, const MatrixIndex& index, const LocalRunOptions& options) {
  LocalRunSummary summary;
  struct Running {
    Cell cell;
    std::size_t slot;  // in `queue`
    FileLock lock;
    std::chrono::steady_clock::time_point start;
    int gpu = -1;  // index into options.gpus; -1: none given
  };
  std::vector<int> on_gpu(options.gpus.size(), 0);
  std::vector<const Cell*> queue;
  for (const auto& c : index.cells) {
    if (RunDirectory::read_state(results_dir / c.id) == RunState::Finished) {
      ++summary.skipped;
      continue;
    }
    queue.push_back(&c);
  }
  // The stand-alone ground truth is trained inside the first cell that needs
  // it: counting it as work keeps the first cells' rate from promising the
  // whole matrix in a fraction of its time.
  const MatrixWork work =
      estimate_matrix_work(queue, [](const std::string& folder) { return cached_trainings(folder); });
  const std::int64_t total_epochs = work.total;
  std::int64_t done_epochs = 0;
  const int jobs = std::max(1, options.jobs);
  if (summary.skipped > 0)
    std::cerr << fmt::format("{} of {} cells already finished; running the other {}\n", summary.skipped,
                             index.cells.size(), queue.size());
  if (queue.empty()) return summary;

  Progress progress("matrix", std::max<std::int64_t>(total_epochs, 1), 1, options.progress_bar);
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  const std::size_t total = queue.size();
  std::size_t ended = 0;
  auto epochs_of = [&](const Cell& c) {
    // A cell counts in full only once it has finished: after its last
    // epoch it still evaluates, and some strategies log more phases than epochs.
    return std::min<std::int64_t>(std::max(c.epochs, 1) - 1, count_lines(results_dir / c.id / "train-log.jsonl"));
  };
  auto detail = [&] {
    return fmt::format("{}/{} cells done, {} running, {} failed", ended - summary.failed.size(), total, running.size(),
                       summary.failed.size());
  };
  while (next < queue.size() || !running.empty()) {
    while (next < queue.size() && static_cast<int>(running.size()) < jobs) {
      const std::size_t slot = next++;
      const Cell& c = *queue[slot];
      auto lock = FileLock::acquire(results_dir / c.id / kCellLockFile, kCellLockWait);
      if (!lock) {
        std::cerr << fmt::format("cell {} ({}) is locked by another process; left to it\n", c.index, c.name);
        summary.busy.push_back(c);
        ++ended;
        continue;
      }
      const bool resuming = fs::exists(results_dir / c.id / "checkpoint.pt");
      CellCommand command = options.command;
      int gpu = -1;
      if (!options.gpus.empty()) {
        gpu = static_cast<int>(least_busy_gpu(on_gpu));
        command.cuda_visible_devices = options.gpus[static_cast<std::size_t>(gpu)];
      }
      const pid_t pid = start_cell(command, results_dir / c.id, *lock);
      if (gpu >= 0) ++on_gpu[static_cast<std::size_t>(gpu)];
      std::cerr << fmt::format("[{}/{}] started {} ({}){}{}\n", next, total, c.name.empty() ? "(base)" : c.name, c.id,
                               gpu >= 0 ? " on GPU " + command.cuda_visible_devices : "",
                               resuming ? ", resuming from its checkpoint" : "");
      running.emplace(pid, Running{c, slot, std::move(*lock), std::chrono::steady_clock::now(), gpu});
      fault_point("matrix-cell");  // SPBENCH_FAULT: the matrix killed with cells running
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      auto it = running.find(pid);
      if (it == running.end()) continue;  // not one of ours
      const Cell& c = it->second.cell;
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.start).count();
      const int code = exit_code(status);
      const bool finished = code == 0 && RunDirectory::read_state(results_dir / c.id) == RunState::Finished;
      ++ended;
      if (finished) {
        ++summary.finished;
        done_epochs += work.cell_units[it->second.slot];
        std::cerr << fmt::format("finished {} ({}) in {}\n", c.name.empty() ? "(base)" : c.name, c.id,
                                 Progress::format_duration(seconds));
      } else {
        const fs::path log = results_dir / c.id / kCellLogFile;
        summary.failed.emplace_back(c, log.string());
        std::cerr << fmt::format("FAILED {} ({}): exit {}, see {}\n", c.name.empty() ? "(base)" : c.name, c.id, code,
                                 log.string());
      }
      if (it->second.gpu >= 0) --on_gpu[static_cast<std::size_t>(it->second.gpu)];
      running.erase(it);  // releases our copy of the cell's lock
      continue;
    }
    if (pid < 0 && errno != EINTR && errno != ECHILD) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    std::int64_t in_flight = 0;
    for (const auto& [p, r] : running) in_flight += epochs_of(r.cell);
    progress.update(std::min(done_epochs + in_flight, total_epochs), detail());
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  progress.finish(detail());
  return summary;
}

MatrixWork estimate_matrix_work(const std::vector<const Cell*>& cells,
                                const std::function<std::int64_t(const std::string&)>& cached) {
  MatrixWork work;
  std::set<std::string> counted;  // cache folders whose trainings are counted
  for (const Cell* c : cells) {
    std::int64_t units = std::max(c->epochs, 1);
    if (c->ground_truth_trainings > 0 && counted.insert(c->ground_truth_cache).second) {
      const std::int64_t left = std::max<std::int64_t>(0, c->ground_truth_trainings - cached(c->ground_truth_cache));
      units += left * std::max(c->ground_truth_epochs, 1);
    }
    work.cell_units.push_back(units);
    work.total += units;
  }
  return work;
}

std::int64_t cached_trainings(const fs::path& cache_folder) {
  std::error_code ec;
  if (cache_folder.empty() || !fs::is_directory(cache_folder, ec)) return 0;
  std::int64_t n = 0;
  for (const auto& entry : fs::directory_iterator(cache_folder, ec)) {
    // <arch index>.json; config.json describes the folder.
    const std::string stem = entry.path().stem().string();
    if (entry.path().extension() == ".json" && !stem.empty() &&
        std::all_of(stem.begin(), stem.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      ++n;
  }
  return n;
}

}  // namespace spbench::matrix
