// Benchmark tables (nb201.csv and tables from elsewhere): the CSV parser and
// the strict number reader must answer any text with a table or TableError.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "spbench/analysis/results/benchmark_table.hpp"
#include "spbench/analysis/results/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spbench::tables;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_number(text);
  try {
    BenchmarkTable table(parse_csv(text, "fuzz.csv"));
    for (std::size_t row = 0; row < table.rows(); ++row) (void)table.line(row);
    for (const auto& column : table.columns()) {
      try {
        (void)table.numeric_column(column);
      } catch (const TableError&) {
      }
      (void)csv_field(column);
    }
    try {
      (void)table.column_index("valid_acc");  // absent: the "did you mean" path
    } catch (const TableError&) {
    }
  } catch (const TableError&) {
  }
  return 0;
}
