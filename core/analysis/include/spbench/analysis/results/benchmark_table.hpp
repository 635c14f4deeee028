#pragma once
// A benchmark table (e.g. ../shared/data/nb201/nb201.csv): a CSV file whose
// columns are looked up by name, with numeric columns read strictly.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "spbench/analysis/results/csv.hpp"

namespace spbench::tables {

class BenchmarkTable {
 public:
  explicit BenchmarkTable(CsvTable csv);
  static BenchmarkTable read(const std::filesystem::path& file);

  const std::string& source() const { return csv_.source; }
  const std::vector<std::string>& columns() const { return csv_.header; }
  std::size_t rows() const { return csv_.rows.size(); }
  // The 1-based file line where row `row` starts.
  std::size_t line(std::size_t row) const { return csv_.lines.at(row); }

  bool has_column(const std::string& name) const;
  // Throws TableError naming the file, the closest column names ("did you
  // mean …?") and every available column.
  std::size_t column_index(const std::string& name) const;
  const std::string& cell(std::size_t row, std::size_t column) const { return csv_.rows.at(row).at(column); }

  // Every value of a numeric column. An empty cell is std::nullopt; anything
  // else that is not a number throws TableError with the file, the line and
  // the offending text. "nan" and "inf" are numbers here; callers decide
  // what a non-finite value means.
  std::vector<std::optional<double>> numeric_column(const std::string& name) const;

 private:
  CsvTable csv_;
};

// A number as written in a table: optional surrounding spaces, then a
// decimal or scientific literal, "nan" or "inf" (any case, signed). Locale
// independent. std::nullopt for anything else, including an empty text.
std::optional<double> parse_number(std::string_view text);

// The names in `candidates` closest to `name` (edit distance, a few at most),
// for "did you mean" hints.
std::vector<std::string> closest_names(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace spbench::tables
