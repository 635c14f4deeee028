#include "spbench/engine/data/paths.hpp"

#include <cstdlib>

namespace spbench::data {

std::filesystem::path resolve_data_root(const std::string& cli_value) {
  std::filesystem::path root;
  if (!cli_value.empty()) {
    root = cli_value;
  } else if (const char* env = std::getenv(kDataRootEnv); env && *env) {
    root = env;
  } else {
    // The project's layout: ../shared/data beside the checkout. Try it from
    // the working directory first (a checkout's root), then from the source
    // tree this binary was built from (runs started in build/ or elsewhere).
    root = std::filesystem::path("..") / "shared" / "data";
#ifdef SPBENCH_SOURCE_DIR
    std::error_code ec;
    const auto beside_source = std::filesystem::path(SPBENCH_SOURCE_DIR).parent_path() / "shared" / "data";
    if (!std::filesystem::is_directory(root, ec) && std::filesystem::is_directory(beside_source, ec))
      root = beside_source;
#endif
  }
  return std::filesystem::absolute(root).lexically_normal();
}

std::filesystem::path resolve_data_path(const std::filesystem::path& path,
                                        const std::filesystem::path& root) {
  if (path.is_absolute()) return path;
  return (root / path).lexically_normal();
}

}  // namespace spbench::data
