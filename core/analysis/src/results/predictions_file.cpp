#include "spbench/analysis/results/predictions_file.hpp"

#include <fmt/format.h>

#include "spbench/util/atomic_file.hpp"
#include "spbench/analysis/results/csv.hpp"

namespace spbench::tables {

namespace {
// fmt's "{}" for a double is the shortest text that parses back exactly.
std::string number(double value) { return fmt::format("{}", value); }
std::string optional_number(const std::optional<double>& value) { return value ? number(*value) : ""; }
}  // namespace

std::string predictions_csv(const std::vector<PredictionRow>& rows) {
  std::string out = "arch,index,prediction,loss,truth\n";
  for (const auto& row : rows)
    out += fmt::format("{},{},{},{},{}\n", csv_field(row.arch), row.index, number(row.prediction),
                       optional_number(row.loss), optional_number(row.truth));
  return out;
}

void write_predictions_csv(const std::filesystem::path& file, const std::vector<PredictionRow>& rows) {
  write_file_atomic(file, predictions_csv(rows));
}

IndexedLoad read_predictions(const std::filesystem::path& file, const std::string& column, JoinKey key) {
  return read_indexed_column(BenchmarkTable::read(file), column, key);
}

}  // namespace spbench::tables
