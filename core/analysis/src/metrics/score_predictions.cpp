#include "spbench/analysis/metrics/score_predictions.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "report_json.hpp"
#include "spbench/analysis/results/ground_truth.hpp"
#include "spbench/analysis/results/predictions_file.hpp"

namespace spbench::metrics {

namespace {

nlohmann::json join_json(const tables::JoinReport& report) {
  nlohmann::json left_out = nlohmann::json::object();
  for (const auto& [issue, count] : report.counts) {
    nlohmann::json examples = nlohmann::json::array();
    if (const auto it = report.examples.find(issue); it != report.examples.end())
      for (const auto& e : it->second) examples.push_back({{"line", e.line}, {"key", e.key}, {"detail", e.detail}});
    left_out[std::string(tables::join_issue_name(issue))] = {{"count", count}, {"examples", examples}};
  }
  return {{"file", report.source}, {"rows", report.rows}, {"joined", report.matched}, {"left_out", left_out}};
}

}  // namespace

ScorePredictionsResult score_predictions(const ScorePredictionsOptions& options) {
  ScorePredictionsResult result;
  const auto table = tables::BenchmarkTable::read(options.truth);
  auto truth = tables::load_ground_truth(table, options.metric);
  auto predictions = tables::read_predictions(options.predictions, options.column, options.key);
  result.truth_rows = truth.report;
  result.predictions_rows = predictions.report;
  result.sample = tables::join(predictions.values, truth.values);
  if (result.sample.size() == 0)
    throw std::runtime_error(fmt::format("{}: no architecture has both a prediction (column \"{}\") and a truth "
                                         "value in {} (column \"{}\"): {}",
                                         options.predictions.string(), options.column, options.truth.string(),
                                         options.metric, result.sample.summary()));
  std::vector<double> scores = result.sample.prediction;
  if (options.lower_is_better)
    for (double& s : scores) s = -s;
  result.report = score_ranking(scores, result.sample.truth, options.ranking, result.sample.indices);

  if (options.reference_rows) {
    const std::string dataset = dataset_of_column(options.metric);
    const std::string params = fmt::format("params_{}_M", dataset), flops = fmt::format("flops_{}_M", dataset);
    if (table.has_column(params) && table.has_column(flops))
      result.references =
          score_reference_predictors(table, truth.values, dataset, options.ranking, result.sample.indices);
    else
      result.references_note = fmt::format("no reference rows: {} has no columns {} and {}",
                                           options.truth.string(), params, flops);
  }
  if (!options.zero_cost.empty()) {
    auto rows = score_zero_cost_rows(options.zero_cost, truth.values, options.ranking, result.sample.indices);
    result.references.insert(result.references.end(), rows.begin(), rows.end());
  }
  return result;
}

std::string render(const ScorePredictionsResult& result, const ScorePredictionsOptions& options) {
  if (options.format == ReportFormat::Json) {
    nlohmann::json references = nlohmann::json::array();
    for (const auto& r : result.references)
      references.push_back({{"name", r.name}, {"column", r.column}, {"metrics", detail::report_json(r.report)}});
    nlohmann::json doc = {
        {"predictions", {{"file", options.predictions.string()},
                         {"column", options.column},
                         {"lower_is_better", options.lower_is_better}}},
        {"truth", {{"file", options.truth.string()}, {"column", options.metric}}},
        {"join",
         {{"predictions_rows", join_json(result.predictions_rows)},
          {"truth_rows", join_json(result.truth_rows)},
          {"scored", result.sample.size()},
          {"predictions_without_truth", result.sample.predictions_without_truth},
          {"predictions_without_truth_examples", result.sample.predictions_without_truth_examples},
          {"truth_without_prediction", result.sample.truth_without_prediction}}},
        {"metrics", detail::report_json(result.report)},
        {"reference_rows", references}};
    if (!result.references_note.empty()) doc["reference_rows_note"] = result.references_note;
    return doc.dump(2) + "\n";
  }
  std::string out = fmt::format("predictions: {} (column {}{})\ntruth:       {} (column {})\n",
                                options.predictions.string(), options.column,
                                options.lower_is_better ? ", lower is better" : "", options.truth.string(),
                                options.metric);
  for (const auto* rows : {&result.predictions_rows, &result.truth_rows})
    if (!rows->clean()) out += rows->summary() + "\n";
  out += result.sample.summary() + "\n\n";
  out += to_text(result.report);
  if (!result.references.empty()) out += "\n" + reference_rows_text(result.references);
  if (!result.references_note.empty()) out += "\n" + result.references_note + "\n";
  return out;
}

std::string score_predictions_file(const ScorePredictionsOptions& options) {
  return render(score_predictions(options), options);
}

}  // namespace spbench::metrics
