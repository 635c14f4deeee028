#pragma once
// An error in a table file, located: "FILE:LINE: what was expected".

#include <cstddef>
#include <stdexcept>
#include <string>

namespace spbench::tables {

class TableError : public std::runtime_error {
 public:
  // line 0: the error concerns the whole file (e.g. an unknown column).
  TableError(std::string file, std::size_t line, const std::string& message)
      : std::runtime_error(line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message),
        file_(std::move(file)),
        line_(line) {}
  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }

 private:
  std::string file_;
  std::size_t line_;
};

}  // namespace spbench::tables
