#include "spbench/util/fault_injection.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>

namespace spbench {

namespace {

struct Fault {
  std::string point;  // empty: no fault requested (or the value was refused)
  long nth = 1;
};

Fault parse_fault() {
  Fault f;
  const char* env = std::getenv("SPBENCH_FAULT");
  if (env == nullptr || *env == '\0') return f;
  const std::string value = env;
  const auto colon = value.find(':');
  std::string point = value.substr(0, colon);
  long nth = 1;
  bool ok = true;
  if (colon != std::string::npos) {
    const std::string count = value.substr(colon + 1);
    char* end = nullptr;
    nth = std::strtol(count.c_str(), &end, 10);
    ok = !count.empty() && end != nullptr && *end == '\0' && nth >= 1;
  }
  ok = ok && std::find(std::begin(kFaultPoints), std::end(kFaultPoints), point) != std::end(kFaultPoints);
  if (!ok) {
    std::string known;
    for (auto p : kFaultPoints) known += (known.empty() ? "" : ", ") + std::string(p);
    std::fprintf(stderr, "spbench: ignoring SPBENCH_FAULT='%s': expected <point>[:<n>], n >= 1, point one of %s\n",
                 env, known.c_str());
    return f;
  }
  f.point = std::move(point);
  f.nth = nth;
  return f;
}

const Fault& requested() {
  static const Fault fault = parse_fault();
  return fault;
}

}  // namespace

void fault_point(std::string_view point) {
  const Fault& f = requested();
  if (f.point.empty() || point != f.point) return;
  static std::atomic<long> passes{0};
  if (++passes != f.nth) return;
  // One line so that whoever set the switch sees where the process died.
  const std::string line = "spbench: SPBENCH_FAULT: killed at " + f.point + ":" + std::to_string(f.nth) + "\n";
  if (::write(STDERR_FILENO, line.data(), line.size()) < 0) {
    // Nothing to do: the kill below is what matters.
  }
  ::kill(::getpid(), SIGKILL);
  ::pause();  // SIGKILL cannot be caught; never returns
}

}  // namespace spbench
