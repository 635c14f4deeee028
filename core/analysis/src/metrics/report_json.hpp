#pragma once
// Private to the core: the JSON form of a RankingReport, for documents that
// embed it (score_predictions_file). Keeps nlohmann out of public headers.

#include <nlohmann/json.hpp>

#include "spbench/analysis/metrics/ranking_metrics.hpp"

namespace spbench::metrics::detail {

// NaN becomes null: JSON has no NaN, and null reads as "undefined".
nlohmann::json number_or_null(double value);
nlohmann::json report_json(const RankingReport& report);
// The inverse, lenient (ranking_metrics.hpp, report_from_json).
RankingReport report_from_json(const nlohmann::json& report);

}  // namespace spbench::metrics::detail
