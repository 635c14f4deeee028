#include "spbench/data/paths.hpp"

#include <cstdlib>

namespace spbench::data {

std::filesystem::path resolve_data_root(const std::string& cli_value) {
  std::filesystem::path root;
  if (!cli_value.empty()) {
    root = cli_value;
  } else if (const char* env = std::getenv(kDataRootEnv); env && *env) {
    root = env;
  } else {
    root = std::filesystem::path("..") / "shared" / "data";
  }
  return std::filesystem::absolute(root).lexically_normal();
}

std::filesystem::path resolve_data_path(const std::filesystem::path& path,
                                        const std::filesystem::path& root) {
  if (path.is_absolute()) return path;
  return (root / path).lexically_normal();
}

}  // namespace spbench::data
