// Predictions tables (ours or produced elsewhere): rows joined to
// architectures by `index` and/or `arch`, every key mode; bad rows are
// reported, malformed numbers throw TableError, nothing else may happen.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spbench/analysis/results/csv.hpp"
#include "spbench/analysis/results/indexed_values.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spbench::tables;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const BenchmarkTable table(parse_csv(text, "predictions.csv"));
    for (JoinKey key : {JoinKey::Auto, JoinKey::Index, JoinKey::Arch})
      for (const char* column : {"prediction", "truth"}) {
        try {
          (void)read_indexed_column(table, column, key);
        } catch (const TableError&) {
        }
      }
  } catch (const TableError&) {
  }
  return 0;
}
