#include "spbench/util/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace spbench {

Progress::Progress(std::string label, std::int64_t total, std::int64_t every, bool terminal,
                   std::function<void(const std::string&)> sink)
    : label_(std::move(label)),
      total_(total),
      every_(every),
      terminal_(terminal),
      sink_(std::move(sink)),
      start_(std::chrono::steady_clock::now()) {
  if (!sink_) sink_ = [](const std::string& s) { std::fprintf(stderr, "%s\n", s.c_str()); };
}

bool Progress::stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) && !(term && std::strcmp(term, "dumb") == 0);
}

std::string Progress::format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e8) return "?";
  auto s = static_cast<std::int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

std::string Progress::line(std::int64_t done, const std::string& detail, bool bar) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double eta = done > 0 ? elapsed * (static_cast<double>(total_ - done) / static_cast<double>(done)) : -1.0;
  std::string out = label_;
  if (bar) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    out += " [" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(kWidth - filled), '.') + "]";
  }
  out += fmt::format(" {}/{} ({:.0f}%) elapsed {} eta {}", done, total_, 100.0 * fraction, format_duration(elapsed),
                     done > 0 ? format_duration(eta) : "?");
  if (!detail.empty()) out += "  " + detail;
  return out;
}

void Progress::update(std::int64_t done, const std::string& detail) {
  if (terminal_) {
    // Redraw at most ~10 times a second: a terminal write per step would
    // cost more than a small network's step.
    auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
    last_draw_ = now;
    std::fprintf(stderr, "\r\033[K%s", line(done, detail, true).c_str());
    std::fflush(stderr);
    return;
  }
  // The last unit is reported by finish(), with the epoch summary.
  if (every_ > 0 && done < total_ && done - last_line_ >= every_) {
    last_line_ = done;
    sink_(line(done, detail, false));
  }
}

void Progress::finish(const std::string& detail) {
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s\n", line(total_, detail, true).c_str());
    std::fflush(stderr);
    return;
  }
  sink_(line(total_, detail, false));
}

}  // namespace spbench
