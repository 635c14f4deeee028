#pragma once
// Progress of long work: a bar with rate and ETA on a terminal, plain
// periodic lines otherwise (logs, CI, batch jobs).

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace spbench {

class Progress {
 public:
  // `total` units of work; `every` units between plain lines (0: only the
  // final line). `sink` receives plain lines (default: stderr).
  Progress(std::string label, std::int64_t total, std::int64_t every, bool terminal,
           std::function<void(const std::string&)> sink = {});

  // `done` units finished so far; `detail` is appended (e.g. "loss 1.93").
  void update(std::int64_t done, const std::string& detail = "");
  void finish(const std::string& detail = "");

  // True when stderr is a terminal (and TERM is not "dumb").
  static bool stderr_is_terminal();
  // "1h02m", "3m05s", "12s".
  static std::string format_duration(double seconds);

 private:
  std::string line(std::int64_t done, const std::string& detail, bool bar) const;

  std::string label_;
  std::int64_t total_;
  std::int64_t every_;
  bool terminal_;
  std::function<void(const std::string&)> sink_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::int64_t last_line_ = 0;
};

}  // namespace spbench
