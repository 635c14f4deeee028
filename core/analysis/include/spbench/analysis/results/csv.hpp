#pragma once
// Comma-separated tables as in RFC 4180: a header row, then records with as
// many fields; a field may be quoted ("…"), and inside quotes a comma or a
// line break is data and "" stands for one quote. Line ends may be \n or
// \r\n; a UTF-8 byte-order mark is skipped; blank lines are ignored. Errors
// (TableError) name the file and the line where the offending record starts.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "spbench/analysis/results/table_error.hpp"

namespace spbench::tables {

struct CsvTable {
  std::string source;                          // the file name used in errors
  std::vector<std::string> header;             // column names, unique
  std::vector<std::vector<std::string>> rows;  // each as long as header
  std::vector<std::size_t> lines;              // 1-based line where each row starts
};

// `source` names the text in error messages.
CsvTable parse_csv(std::string_view text, const std::string& source);
CsvTable read_csv(const std::filesystem::path& file);

// One field as it must be written: quoted (with quotes doubled) when it holds
// a comma, a quote, a line break, or leading/trailing spaces.
std::string csv_field(std::string_view value);

}  // namespace spbench::tables
