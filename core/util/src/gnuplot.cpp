#include "spbench/util/gnuplot.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "spbench/util/shell_quote.hpp"

namespace spbench::util {

namespace fs = std::filesystem;

std::string find_gnuplot() {
  if (const char* env = std::getenv("SPBENCH_GNUPLOT"); env && *env) return env;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

bool run_gnuplot(const std::string& gnuplot, const fs::path& dir, const std::string& script, const std::string& log) {
  const std::string command = fmt::format("cd {} && {} {} > {} 2>&1", shell_quote(dir.string()), shell_quote(gnuplot),
                                          shell_quote(script), shell_quote(log));
  return std::system(command.c_str()) == 0;
}

}  // namespace spbench::util
