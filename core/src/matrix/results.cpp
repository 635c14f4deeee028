#include "spbench/matrix/results.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "spbench/atomic_file.hpp"
#include "spbench/fault_injection.hpp"
#include "spbench/progress.hpp"
#include "spbench/run_directory.hpp"

namespace spbench::matrix {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int count_lines(const fs::path& file) {
  std::ifstream in(file);
  int n = 0;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ++n;
  return n;
}

// Single quotes for a POSIX shell.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

// ---------------------------------------------------------------- matrix.json

std::string matrix_json(const MatrixIndex& index) {
  json cells = json::array();
  for (const auto& c : index.cells) {
    json axes = json::array();
    for (const auto& a : c.axes) axes.push_back({{"key", a.key}, {"value", a.value}});
    cells.push_back({{"index", c.index},
                     {"id", c.id},
                     {"name", c.name},
                     {"group", c.group()},
                     {"axes", axes},
                     {"epochs", c.epochs}});
  }
  json doc = {{"format", 1},
              {"name", index.name},
              {"spec", index.spec.string()},
              {"axes", index.axis_keys},
              {"cells", cells}};
  return doc.dump(2) + "\n";
}

MatrixIndex read_matrix_json(const fs::path& results_dir) {
  const fs::path file = results_dir / kMatrixFile;
  if (!fs::exists(file))
    throw std::runtime_error(fmt::format("{}: no {} (not a matrix results folder)", results_dir.string(), kMatrixFile));
  MatrixIndex index;
  try {
    const json doc = json::parse(read_text(file));
    index.name = doc.value("name", "");
    index.spec = doc.value("spec", "");
    index.axis_keys = doc.value("axes", std::vector<std::string>{});
    for (const auto& c : doc.at("cells")) {
      Cell cell;
      cell.index = c.at("index").get<std::size_t>();
      cell.id = c.at("id").get<std::string>();
      cell.name = c.value("name", "");
      cell.epochs = c.value("epochs", 0);
      for (const auto& a : c.at("axes"))
        cell.axes.push_back({a.at("key").get<std::string>(), a.at("value").get<std::string>(), {}});
      index.cells.push_back(std::move(cell));
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: unreadable: {}", file.string(), e.what()));
  }
  return index;
}

void prepare_results(const fs::path& results_dir, const ResolvedMatrix& matrix) {
  // Check every cell before writing any: a refusal leaves the folder as it was.
  for (const auto& rc : matrix.cells) {
    const fs::path dir = results_dir / rc.cell.id;
    const fs::path spec_file = dir / kCellSpecFile;
    if (!fs::exists(spec_file) || RunDirectory::read_state(dir) == RunState::Absent) continue;
    if (read_text(spec_file) != rc.yaml)
      throw std::runtime_error(fmt::format(
          "cell '{}' ({}) already ran with a different spec than the matrix gives it now; the results would mix two "
          "experiments. Use another results folder (--out), or delete {} to rerun that cell",
          rc.cell.name, rc.cell.id, dir.string()));
  }
  fs::create_directories(results_dir);
  MatrixIndex index;
  index.name = matrix.cells.empty() ? "" : matrix.cells.front().spec.name;
  index.spec = matrix.file;
  index.axis_keys = matrix.definition.axis_keys;
  for (const auto& rc : matrix.cells) {
    index.cells.push_back(rc.cell);
    const fs::path dir = results_dir / rc.cell.id;
    fs::create_directories(dir);
    if (!fs::exists(dir / kCellSpecFile) || read_text(dir / kCellSpecFile) != rc.yaml)
      write_file_atomic(dir / kCellSpecFile, rc.yaml);
  }
  write_file_atomic(results_dir / kMatrixFile, matrix_json(index));
}

// ---------------------------------------------------------------- status

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
      auto lock = FileLock::acquire(cell_dir / ".cell.lock");
      s.state = lock ? CellState::Interrupted : CellState::Running;
      break;
    }
  }
  try {
    if (fs::exists(cell_dir / "status.json"))
      s.message = json::parse(read_text(cell_dir / "status.json")).value("message", "");
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

// ---------------------------------------------------------------- locks

std::optional<FileLock> FileLock::acquire(const fs::path& file, std::chrono::milliseconds wait) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(fmt::format("{}: cannot open the lock file: {}", file.string(), std::strerror(errno)));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return FileLock(fd);
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int e = errno;
      ::close(fd);
      throw std::runtime_error(fmt::format("{}: cannot lock: {}", file.string(), std::strerror(e)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

// ---------------------------------------------------------------- one cell

std::vector<std::string> cell_arguments(const CellCommand& command, const fs::path& cell_dir) {
  // --resume: the folder always holds cell.yaml, so the run folder exists;
  // without a checkpoint the run simply starts from epoch 0.
  std::vector<std::string> args = {"run", (cell_dir / kCellSpecFile).string(), "--out", cell_dir.string(), "--resume",
                                   "--threads", std::to_string(command.threads)};
  if (!command.data_root.empty()) {
    args.push_back("--data-root");
    args.push_back(command.data_root);
  }
  return args;
}

fs::path current_executable() { return fs::read_symlink("/proc/self/exe"); }

pid_t start_cell(const CellCommand& command, const fs::path& cell_dir, const FileLock& lock) {
  const fs::path log_file = cell_dir / kCellLogFile;
  const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error(fmt::format("{}: cannot open: {}", log_file.string(), std::strerror(errno)));
  std::vector<std::string> args = cell_arguments(command, cell_dir);
  args.insert(args.begin(), command.exe.string());
  const std::string header = fmt::format("=== {} {}\n", now_iso8601(), [&] {
    std::string s;
    for (const auto& a : args) s += (s.empty() ? "" : " ") + shell_quote(a);
    return s;
  }());
  if (::write(log, header.data(), header.size()) < 0) {
    // The log is only for people; the run itself does not depend on it.
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    throw std::runtime_error(fmt::format("cannot start a cell: fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);  // the parent died before prctl
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, STDIN_FILENO);
    // Keep the cell's lock across exec: the cell stays locked while it lives.
    const int flags = ::fcntl(lock.fd(), F_GETFD);
    if (flags >= 0) ::fcntl(lock.fd(), F_SETFD, flags & ~FD_CLOEXEC);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log);
  return pid;
}

namespace {

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// How long to wait for a cell's lock before calling it busy: long enough for
// the children of a just-killed matrix to be gone.
constexpr std::chrono::milliseconds kCellLockWait{10000};

}  // namespace

int run_one_cell(const fs::path& results_dir, const Cell& cell, const CellCommand& command) {
  const fs::path dir = results_dir / cell.id;
  if (!fs::exists(dir / kCellSpecFile))
    throw std::runtime_error(fmt::format("{}: no {}; prepare the matrix first", dir.string(), kCellSpecFile));
  auto lock = FileLock::acquire(dir / ".cell.lock", kCellLockWait);
  if (!lock) throw std::runtime_error(fmt::format("cell '{}' ({}) is being run by another process", cell.name, cell.id));
  if (RunDirectory::read_state(dir) == RunState::Finished) {
    std::cerr << fmt::format("cell {} ({}) is finished; nothing to do\n", cell.index, cell.name) << std::flush;
    return 0;
  }
  std::cerr << fmt::format("cell {} ({}): running, output in {}\n", cell.index, cell.name, (dir / kCellLogFile).string())
            << std::flush;
  const pid_t pid = start_cell(command, dir, *lock);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const int code = exit_code(status);
  std::cerr << fmt::format("cell {} ({}): {}\n", cell.index, cell.name,
                           code == 0 ? std::string("finished") : fmt::format("failed (exit {}), see {}", code,
                                                                            (dir / kCellLogFile).string()))
            << std::flush;
  return code;
}

// ---------------------------------------------------------------- local backend

LocalRunSummary run_local(const fs::path& results_dir, const MatrixIndex& index, const LocalRunOptions& options) {
  LocalRunSummary summary;
  struct Running {
    Cell cell;
    FileLock lock;
    std::chrono::steady_clock::time_point start;
  };
  std::vector<const Cell*> queue;
  std::int64_t total_epochs = 0, done_epochs = 0;
  for (const auto& c : index.cells) {
    if (RunDirectory::read_state(results_dir / c.id) == RunState::Finished) {
      ++summary.skipped;
      continue;
    }
    queue.push_back(&c);
    total_epochs += std::max(c.epochs, 1);
  }
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
      const Cell& c = *queue[next++];
      auto lock = FileLock::acquire(results_dir / c.id / ".cell.lock", kCellLockWait);
      if (!lock) {
        std::cerr << fmt::format("cell {} ({}) is locked by another process; left to it\n", c.index, c.name);
        summary.busy.push_back(c);
        ++ended;
        continue;
      }
      const bool resuming = fs::exists(results_dir / c.id / "checkpoint.pt");
      const pid_t pid = start_cell(options.command, results_dir / c.id, *lock);
      std::cerr << fmt::format("[{}/{}] started {} ({}){}\n", next, total, c.name.empty() ? "(base)" : c.name, c.id,
                               resuming ? ", resuming from its checkpoint" : "");
      running.emplace(pid, Running{c, std::move(*lock), std::chrono::steady_clock::now()});
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
        done_epochs += std::max(c.epochs, 1);
        std::cerr << fmt::format("finished {} ({}) in {}\n", c.name.empty() ? "(base)" : c.name, c.id,
                                 Progress::format_duration(seconds));
      } else {
        const fs::path log = results_dir / c.id / kCellLogFile;
        summary.failed.emplace_back(c, log.string());
        std::cerr << fmt::format("FAILED {} ({}): exit {}, see {}\n", c.name.empty() ? "(base)" : c.name, c.id, code,
                                 log.string());
      }
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

// ---------------------------------------------------------------- Slurm backend

std::string array_ranges(const std::vector<std::size_t>& indices) {
  std::vector<std::size_t> v = indices;
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + (j == i ? std::to_string(v[i]) : fmt::format("{}-{}", v[i], v[j]));
    i = j + 1;
  }
  return out;
}

std::string sbatch_script(const fs::path& results_dir, const MatrixIndex& index, const std::vector<std::size_t>& indices,
                          const SlurmOptions& options, const fs::path& exe) {
  const fs::path results = fs::absolute(results_dir).lexically_normal();
  const SlurmSettings& s = options.settings;
  const int threads = options.threads > 0 ? options.threads : std::max(1, s.cpus);
  std::string out = "#!/bin/bash\n";
  out += fmt::format("# spbench matrix '{}': one array task per cell (task id = the cell's index in matrix.json).\n",
                     index.name);
  out += fmt::format("#SBATCH --job-name=spbench-{}\n", index.name.empty() ? "matrix" : index.name);
  out += fmt::format("#SBATCH --array={}\n", array_ranges(indices));
  out += fmt::format("#SBATCH --output={}\n", (results / "slurm" / "task-%a.out").string());
  out += "#SBATCH --ntasks=1\n";
  out += fmt::format("#SBATCH --cpus-per-task={}\n", std::max(1, s.cpus > 0 ? s.cpus : threads));
  if (!s.partition.empty()) out += fmt::format("#SBATCH --partition={}\n", s.partition);
  if (!s.time.empty()) out += fmt::format("#SBATCH --time={}\n", s.time);
  if (s.gpus > 0) out += fmt::format("#SBATCH --gres=gpu:{}\n", s.gpus);
  if (!s.mem.empty()) out += fmt::format("#SBATCH --mem={}\n", s.mem);
  out += "set -eu\n";
  std::string command = fmt::format("exec {} matrix-task {} \"$SLURM_ARRAY_TASK_ID\" --threads {}",
                                    shell_quote(exe.string()), shell_quote(results.string()), threads);
  if (!options.data_root.empty()) command += " --data-root " + shell_quote(options.data_root);
  out += command + "\n";
  return out;
}

}  // namespace spbench::matrix
