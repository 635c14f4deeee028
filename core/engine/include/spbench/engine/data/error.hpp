#pragma once
// The one exception the data layer throws. Its message always names the file
// (or the data set) at fault and says what was expected, because the usual
// cause is a misplaced or half-downloaded file that the user has to fix.

#include <filesystem>
#include <stdexcept>
#include <string>

namespace spbench::data {

class DataError : public std::runtime_error {
 public:
  DataError(std::filesystem::path file, const std::string& message)
      : std::runtime_error(file.empty() ? message : file.string() + ": " + message),
        file_(std::move(file)) {}

  // Empty when the problem is not tied to one file (e.g. an unknown split name).
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace spbench::data
