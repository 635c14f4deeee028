#include "spbench/analysis/metrics/reference_predictors.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "spbench/analysis/results/joined_sample.hpp"
#include "spbench/analysis/results/predictions_file.hpp"

namespace spbench::metrics {

std::string dataset_of_column(const std::string& column) { return column.substr(0, column.find('_')); }

std::vector<ReferenceRow> score_reference_predictors(const tables::BenchmarkTable& table,
                                                     const tables::GroundTruth& truth, const std::string& dataset,
                                                     const RankingOptions& options, const std::vector<int>& only) {
  std::vector<ReferenceRow> rows;
  for (const char* name : {"params", "flops"}) {
    const std::string column = fmt::format("{}_{}_M", name, dataset);
    tables::IndexedValues predictor = tables::read_indexed_column(table, column).values;
    if (!only.empty()) {
      std::map<int, double> kept;
      for (int index : only)
        if (const auto v = predictor.at(index)) kept.emplace(index, *v);
      predictor = tables::IndexedValues(predictor.source(), column, std::move(kept));
    }
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
    tables::IndexedValues predictor = tables::read_predictions(file, column).values;
    if (!only.empty()) {
      std::map<int, double> kept;
      for (int index : only)
        if (const auto v = predictor.at(index)) kept.emplace(index, *v);
      predictor = tables::IndexedValues(predictor.source(), column, std::move(kept));
    }
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
