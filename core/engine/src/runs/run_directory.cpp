#include "spbench/engine/runs/run_directory.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>
#include <torch/version.h>
#include <ATen/Parallel.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <stdexcept>

#include "spbench/util/atomic_file.hpp"
#include "spbench/sdk/version.hpp"

namespace spbench {

namespace fs = std::filesystem;

std::string_view run_state_name(RunState state) {
  switch (state) {
    case RunState::Absent: return "absent";
    case RunState::Running: return "running";
    case RunState::Finished: return "finished";
    case RunState::Failed: return "failed";
  }
  return "?";
}

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  return buf;
}

RunState RunDirectory::read_state(const fs::path& dir) {
  std::ifstream in(dir / "status.json");
  if (!in) return RunState::Absent;
  try {
    auto j = nlohmann::json::parse(in);
    std::string s = j.value("state", "");
    if (s == "finished") return RunState::Finished;
    if (s == "failed") return RunState::Failed;
    return RunState::Running;
  } catch (...) {
    // status.json is written atomically; an unreadable one means someone
    // edited it. Treat the run as unfinished rather than as finished.
    return RunState::Running;
  }
}

RunDirectory::RunDirectory(fs::path path, RunDirectoryPolicy policy) : path_(std::move(path)) {
  std::error_code ec;
  const bool exists = fs::exists(path_, ec);
  const bool has_content = exists && fs::is_directory(path_, ec) && !fs::is_empty(path_, ec);
  if (exists && !fs::is_directory(path_, ec))
    throw std::runtime_error(fmt::format("{}: exists and is not a folder", path_.string()));
  if (has_content) {
    const RunState state = read_state(path_);
    if (policy.force) {
      fs::remove_all(path_);
    } else if (state == RunState::Finished) {
      throw std::runtime_error(fmt::format(
          "{}: holds a finished run; refusing to overwrite it (use --force to replace it, or --out for another folder)",
          path_.string()));
    } else if (policy.resume) {
      remove_stale_temporaries(path_);
      // Only a folder that a run has written to (status.json) is continued;
      // a prepared one (a matrix cell's cell.yaml) starts fresh.
      resumed_ = state != RunState::Absent || fs::exists(path_ / "checkpoint.pt");
    } else if (state == RunState::Absent && !fs::exists(path_ / "checkpoint.pt")) {
      throw std::runtime_error(fmt::format(
          "{}: the folder is not empty and holds no spbench run; use another --out, or --force to replace it",
          path_.string()));
    } else {
      throw std::runtime_error(fmt::format(
          "{}: holds an unfinished run ({}); use --resume to continue it or --force to start over",
          path_.string(), run_state_name(state)));
    }
  } else if (policy.resume) {
    throw std::runtime_error(fmt::format("{}: nothing to resume (no run there)", path_.string()));
  }
  fs::create_directories(path_, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot create the run folder: {}", path_.string(), ec.message()));
  if (::access(path_.c_str(), W_OK) != 0)
    throw std::runtime_error(fmt::format("{}: the run folder is not writable", path_.string()));
  log_.open(path_ / "log.txt", std::ios::app);
  if (!log_) throw std::runtime_error(fmt::format("{}: cannot open log.txt for writing", path_.string()));
}

void RunDirectory::write_text(const std::string& name, const std::string& content) const {
  write_file_atomic(path_ / name, content);
}

void RunDirectory::set_state(RunState state, const std::string& message) const {
  nlohmann::json j;
  j["state"] = std::string(run_state_name(state));
  j["time"] = now_iso8601();
  if (!message.empty()) j["message"] = message;
  write_text("status.json", j.dump(2) + "\n");
}

void RunDirectory::log(const std::string& line) {
  std::lock_guard<std::mutex> lock(log_mutex_);
  log_ << now_iso8601() << ' ' << line << '\n';
  log_.flush();
}

namespace {

std::string run_command(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), ::pclose);
  if (!pipe) return "";
  std::string out;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::string provenance_json(const std::string& command_line, const std::string& start_time,
                            const std::string& end_time) {
  nlohmann::json j;
  j["spbench_version"] = kProjectVersion;
  j["plugin_api_version"] = kPluginApiVersion;
#ifdef SPBENCH_SOURCE_DIR
  const std::string src = SPBENCH_SOURCE_DIR;
  std::string commit = run_command(fmt::format("git -C '{}' rev-parse HEAD 2>/dev/null", src));
  j["git_commit"] = commit.empty() ? "unknown" : commit;
  if (!commit.empty())
    j["git_dirty"] = !run_command(fmt::format("git -C '{}' status --porcelain --untracked-files=no 2>/dev/null", src))
                          .empty();
#endif
#if defined(__clang__)
  j["compiler"] = fmt::format("clang {}", __clang_version__);
#elif defined(__GNUC__)
  j["compiler"] = fmt::format("gcc {}", __VERSION__);
#else
  j["compiler"] = "unknown";
#endif
  j["libtorch_version"] = TORCH_VERSION;
  j["cuda_available"] = torch::cuda::is_available();
  j["cuda_devices"] = torch::cuda::device_count();
  // Which GPUs the run could see (the matrix's local backend gives each cell one).
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) j["cuda_visible_devices"] = visible;
  j["intra_op_threads"] = at::get_num_threads();
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  j["host"] = host;
  j["command_line"] = command_line;
  j["start_time"] = start_time;
  if (!end_time.empty()) j["end_time"] = end_time;
  return j.dump(2) + "\n";
}

}  // namespace spbench
