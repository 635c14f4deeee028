#pragma once
// A minimal CSV reader for test reference data: a header row, then plain
// comma-separated fields (no quoting, which the project's data never needs).

#include <cstddef>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace spbench::test {

class CsvTable {
 public:
  explicit CsvTable(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::string line;
    if (!std::getline(in, line)) throw std::runtime_error(path + " is empty");
    const auto names = split(line);
    for (std::size_t i = 0; i < names.size(); ++i) columns_[names[i]] = i;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      rows_.push_back(split(line));
      if (rows_.back().size() != names.size())
        throw std::runtime_error(path + ": row " + std::to_string(rows_.size()) + " has " +
                                 std::to_string(rows_.back().size()) + " fields, expected " +
                                 std::to_string(names.size()));
    }
  }

  std::size_t size() const { return rows_.size(); }
  bool has_column(const std::string& name) const { return columns_.count(name) > 0; }
  std::size_t column(const std::string& name) const {
    auto it = columns_.find(name);
    if (it == columns_.end()) throw std::runtime_error("no column '" + name + "'");
    return it->second;
  }
  const std::string& get(std::size_t row, const std::string& name) const { return rows_.at(row).at(column(name)); }
  double number(std::size_t row, const std::string& name) const { return std::stod(get(row, name)); }

 private:
  static std::vector<std::string> split(std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return fields;
  }

  std::unordered_map<std::string, std::size_t> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace spbench::test
