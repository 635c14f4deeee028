#pragma once
// Where tests find the shared data and build outputs.

#include <cstdlib>
#include <filesystem>
#include <string>

namespace spbench::test {

// ../shared/data beside the project root, or SPBENCH_DATA_ROOT when set.
inline std::filesystem::path data_root() {
  if (const char* env = std::getenv("SPBENCH_DATA_ROOT"); env && *env) return env;
  return std::filesystem::path(SPBENCH_TEST_SOURCE_DIR) / ".." / ".." / "shared" / "data";
}

inline std::filesystem::path nb201_csv() { return data_root() / "nb201" / "nb201.csv"; }

// A fresh, empty folder under the build tree for one test's files.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::path(SPBENCH_TEST_BINARY_DIR) / "scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace spbench::test
