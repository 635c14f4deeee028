#include "spbench/util/read_file.hpp"

#include <fstream>
#include <sstream>

namespace spbench::util {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace spbench::util
