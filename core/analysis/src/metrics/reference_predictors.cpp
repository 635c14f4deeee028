#include "spbench/analysis/metrics/reference_predictors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "spbench/analysis/metrics/metric_registry.hpp"

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

std::string reference_rows_text(const std::vector<ReferenceRow>& rows) {
  if (rows.empty()) return "";
  const std::size_t n = rows.front().report.n;
  std::vector<std::string> labels;
  std::size_t width = std::string_view("predictor").size();
  for (const auto& r : rows) {
    labels.push_back(r.report.n == n ? r.column : fmt::format("{} (n={})", r.column, r.report.n));
    width = std::max(width, labels.back().size());
  }
  std::vector<const RankingMetric*> columns;
  for (const auto& m : ranking_metrics())
    if (m.scalar()) columns.push_back(&m);
  std::string out = fmt::format("reference rows (same {} architectures)\n  {:<{}}", n, "predictor", width);
  for (const auto* m : columns) out += fmt::format(" {:>8}", m->short_name);
  out += '\n';
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out += fmt::format("  {:<{}}", labels[i], width);
    for (const auto* m : columns) {
      const Estimate* e = rows[i].report.find(m->key);
      out += fmt::format(" {:>8}", e && !std::isnan(e->value) ? fmt::format("{:.4f}", e->value) : "n/a");
    }
    out += '\n';
  }
  return out;
}

}  // namespace spbench::metrics
