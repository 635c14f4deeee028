#pragma once
// A run's folder: resolved spec, provenance, log, status and results.
//
//   resolved-spec.yaml   the spec with includes, overrides and defaults applied
//   provenance.json      project commit, compiler, LibTorch, threads, host, times
//   log.txt              everything the run printed, with timestamps
//   status.json          {"state": "running" | "finished" | "failed", …}
//   checkpoint.pt        last completed epoch (training)
//   train-log.jsonl      one JSON object per epoch
//
// A finished run is never overwritten unless the caller says so (--force);
// an unfinished one is continued only when asked (--resume).

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>

namespace spbench {

enum class RunState { Absent, Running, Finished, Failed };

std::string_view run_state_name(RunState state);

struct RunDirectoryPolicy {
  bool force = false;   // wipe an existing run, finished or not
  bool resume = false;  // continue an unfinished run
};

class RunDirectory {
 public:
  // Opens or creates `path` according to `policy`; throws std::runtime_error
  // with a message that says what to do when the folder holds a finished run
  // (and force is off) or an unfinished one (and neither resume nor force).
  RunDirectory(std::filesystem::path path, RunDirectoryPolicy policy);

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(const std::string& name) const { return path_ / name; }
  bool resumed() const { return resumed_; }

  // The state recorded in <dir>/status.json (Absent when there is none).
  static RunState read_state(const std::filesystem::path& dir);

  void write_text(const std::string& name, const std::string& content) const;
  void set_state(RunState state, const std::string& message = "") const;

  // Appends a timestamped line to log.txt (thread-safe, flushed).
  void log(const std::string& line);

 private:
  std::filesystem::path path_;
  bool resumed_ = false;
  std::mutex log_mutex_;
  std::ofstream log_;
};

// Provenance of this process as a JSON object (text): project version and git
// commit, compiler, LibTorch version, CUDA availability, intra-op threads,
// host name, command line, start time. `end_time` is added when given.
std::string provenance_json(const std::string& command_line, const std::string& start_time,
                            const std::string& end_time = "");

// Current local time as ISO 8601 with offset, e.g. 2026-11-27T21:05:03+0000.
std::string now_iso8601();

}  // namespace spbench
