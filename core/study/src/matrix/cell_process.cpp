#include "spbench/study/matrix/cell_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "spbench/study/matrix/results_index.hpp"
#include "spbench/util/progress.hpp"
#include "spbench/engine/runs/run_directory.hpp"
#include "spbench/util/shell_quote.hpp"

namespace spbench::matrix {

namespace fs = std::filesystem;

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
  const std::string device_note =
      command.cuda_visible_devices.empty() ? "" : "CUDA_VISIBLE_DEVICES=" + command.cuda_visible_devices + " ";
  const std::string header = fmt::format("=== {} {}{}\n", now_iso8601(), device_note, [&] {
    std::string s;
    for (const auto& a : args) s += (s.empty() ? "" : " ") + util::shell_quote(a);
    return s;
  }());
  if (::write(log, header.data(), header.size()) < 0) {
    // The log is only for people; the run itself does not depend on it.
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment is built before fork: the child may only exec.
  std::vector<std::string> env_text;
  for (char** e = environ; e && *e; ++e)
    if (command.cuda_visible_devices.empty() || std::strncmp(*e, "CUDA_VISIBLE_DEVICES=", 21) != 0) env_text.emplace_back(*e);
  if (!command.cuda_visible_devices.empty()) env_text.push_back("CUDA_VISIBLE_DEVICES=" + command.cuda_visible_devices);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

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
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(log);
  return pid;
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int run_one_cell(const fs::path& results_dir, const Cell& cell, const CellCommand& command) {
  const fs::path dir = results_dir / cell.id;
  if (!fs::exists(dir / kCellSpecFile))
    throw std::runtime_error(fmt::format("{}: no {}; prepare the matrix first", dir.string(), kCellSpecFile));
  auto lock = FileLock::acquire(dir / kCellLockFile, kCellLockWait);
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

}  // namespace spbench::matrix
