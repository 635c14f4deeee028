#include "spbench/analysis/metrics/reference_predictors.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "spbench/analysis/results/joined_sample.hpp"
#include "spbench/analysis/results/predictions_file.hpp"

namespace spbench::metrics {

std::string dataset_of_column(const std::string& column) { return column.substr(0, column.find('_')); }

namespace {

// The values of `predictor` on the architectures `only` lists.
tables::IndexedValues restricted_to(const tables::IndexedValues& predictor, const std::vector<int>& only) {
  std::map<int, double> kept;
  for (int index : only)
    if (const auto v = predictor.at(index)) kept.emplace(index, *v);
  return tables::IndexedValues(predictor.source(), predictor.column(), std::move(kept));
}

}  // namespace

std::vector<ReferenceRow> score_reference_predictors(const tables::BenchmarkTable& table,
                                                     const tables::GroundTruth& truth, const std::string& dataset,
                                                     const RankingOptions& options, const std::vector<int>& only) {
  std::vector<ReferenceRow> rows;
  for (const char* name : {"params", "flops"}) {
    const std::string column = fmt::format("{}_{}_M", name, dataset);
    tables::IndexedValues predictor = tables::read_indexed_column(table, column).values;
    if (!only.empty()) predictor = restricted_to(predictor, only);
    const auto sample = tables::join(predictor, truth);
    if (sample.size() == 0)
      throw tables::TableError(table.source(), 0,
                               fmt::format("column \"{}\" shares no architecture with the truth", column));
    rows.push_back({name, column, score_ranking(sample.prediction, sample.truth, options, sample.indices)});
  }
  return rows;
}

std::vector<ReferenceRow> score_zero_cost_rows(const std::filesystem::path& file, const tables::GroundTruth& truth,
                                               const RankingOptions& options, const std::vector<int>& only) {
  const auto table = tables::BenchmarkTable::read(file);
  std::vector<ReferenceRow> rows;
  for (const auto& column : table.columns()) {
    if (column == "arch" || column == "index") continue;
    // From the table already read: each column is not read from the file again.
    tables::IndexedValues predictor = tables::read_indexed_column(table, column).values;
    if (!only.empty()) predictor = restricted_to(predictor, only);
    const auto sample = tables::join(predictor, truth);
    if (sample.size() < 2)
      throw tables::TableError(table.source(), 0,
                               fmt::format("zero-cost column \"{}\" shares {} architecture{} with the truth", column,
                                           sample.size(), sample.size() == 1 ? "" : "s"));
    rows.push_back({column, column, score_ranking(sample.prediction, sample.truth, options, sample.indices)});
  }
  if (rows.empty()) throw tables::TableError(table.source(), 0, "no zero-cost score column (expected arch, index, synflow, ...)");
  return rows;
}

}  // namespace spbench::metrics
