#pragma once
// One numeric column of a table keyed by NAS-Bench-201 architecture index:
// ground truth (an accuracy), a prediction, or a reference predictor such as
// the parameter count.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "spbench/analysis/results/benchmark_table.hpp"
#include "spbench/analysis/results/join_report.hpp"

namespace spbench::tables {

class IndexedValues {
 public:
  IndexedValues() = default;
  IndexedValues(std::string source, std::string column, std::map<int, double> values)
      : source_(std::move(source)), column_(std::move(column)), values_(std::move(values)) {}

  const std::string& source() const { return source_; }  // the file it came from
  const std::string& column() const { return column_; }
  // Ascending index order, which is the order every join produces.
  const std::map<int, double>& values() const { return values_; }
  std::size_t size() const { return values_.size(); }
  bool contains(int index) const { return values_.count(index) > 0; }
  std::optional<double> at(int index) const;

 private:
  std::string source_;
  std::string column_;
  std::map<int, double> values_;
};

// How rows name their architecture. Auto: the `index` column when there is
// one (checked against `arch` when both are present), else `arch`. Index or
// Arch: that column alone.
enum class JoinKey { Auto, Index, Arch };

struct IndexedLoad {
  IndexedValues values;
  JoinReport report;  // every row left out, by reason
};

// Joins each row of `table` to its architecture and reads `column`. Rows
// that cannot be used (see JoinIssue) are reported, not thrown; malformed
// numbers and unknown columns throw TableError. The first of several rows
// for one architecture wins; the later ones are reported as duplicates.
IndexedLoad read_indexed_column(const BenchmarkTable& table, const std::string& column,
                                JoinKey key = JoinKey::Auto);

}  // namespace spbench::tables
