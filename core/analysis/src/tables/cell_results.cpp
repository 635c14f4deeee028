#include "spbench/analysis/tables/cell_results.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "spbench/analysis/metrics/metric_registry.hpp"
#include "spbench/analysis/metrics/ranking_metrics.hpp"
#include "spbench/analysis/results/predictions_file.hpp"
#include "spbench/util/read_file.hpp"

namespace spbench::tables {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A number at `key`: either the number itself or an estimate's "value"
// (RankingReport's kendall_tau is {"value", "ci_low", …}). Null is absent.
bool number_at(const json& obj, const std::string& key, double& out) {
  if (!obj.is_object() || !obj.contains(key)) return false;
  const json& v = obj.at(key);
  if (v.is_number()) {
    out = v.get<double>();
    return true;
  }
  if (v.is_object() && v.contains("value") && v.at("value").is_number()) {
    out = v.at("value").get<double>();
    return true;
  }
  return false;
}

// The ranking metrics of one report by column key: every metric of the
// registry that the report holds (absent ones stay absent and read n/a).
void read_report(const metrics::RankingReport& report, const AblationOptions& options,
                 std::map<std::string, double>& values, std::vector<std::pair<double, double>>* curve) {
  for (const auto& m : metrics::ranking_metrics()) {
    const double v = metrics::value_in(m, report, options.parameters);
    if (!std::isnan(v)) values[std::string(m.key)] = v;
  }
  if (curve)
    for (const auto& point : report.top_n_kendall)
      if (!std::isnan(point.tau) && point.n > 0) curve->emplace_back(static_cast<double>(point.n), point.tau);
}

void read_report(const json& report, const AblationOptions& options, std::map<std::string, double>& values,
                 std::vector<std::pair<double, double>>* curve) {
  read_report(metrics::report_from_json(report.dump()), options, values, curve);
}

void read_metrics(const fs::path& file, const AblationOptions& options, CellResult& cell) {
  if (!fs::exists(file)) return;
  json doc;
  try {
    doc = json::parse(util::read_text(file));
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not valid JSON: {}", file.string(), e.what()));
  }
  // The report sits under "metrics" in a run's metrics.json; a bare
  // RankingReport (metrics::to_json) works as well.
  const json& report = doc.contains("metrics") && doc.at("metrics").is_object() ? doc.at("metrics") : doc;
  read_report(report, options, cell.values, &cell.top_n_curve);
  if (doc.contains("reference_rows") && doc.at("reference_rows").is_array()) {
    for (const auto& row : doc.at("reference_rows")) {
      if (!row.is_object() || !row.contains("name")) continue;
      std::map<std::string, double> values;
      if (row.contains("metrics")) read_report(row.at("metrics"), options, values, nullptr);
      cell.references.emplace_back(row.at("name").get<std::string>(), std::move(values));
    }
  }
}

void read_train_log(const fs::path& file, CellResult& cell) {
  std::ifstream in(file);
  if (!in) return;
  double seconds = 0;
  bool any_seconds = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception&) {
      continue;  // a torn last line of a killed run
    }
    double v = 0;
    if (number_at(j, "seconds", v)) {
      seconds += v;
      any_seconds = true;
    }
    if (number_at(j, "loss", v)) cell.values["final_loss"] = v;
  }
  if (any_seconds) cell.values["train_seconds"] = seconds;
}

// The ranking metrics by the loss column of predictions.csv (negated: lower
// is better), every metric of the registry computed as a run computes it
// (no intervals: the table's spread comes from the seeds). The ranking
// columns are cleared first, so that a cell without losses reads n/a instead
// of its accuracy metrics under a loss heading.
void rescore_by_loss(const fs::path& file, const AblationOptions& options, CellResult& cell) {
  for (const auto& m : metrics::ranking_metrics()) cell.values.erase(std::string(m.key));
  cell.top_n_curve.clear();
  if (!fs::exists(file)) return;
  const auto loss = read_predictions(file, "loss", JoinKey::Index).values.values();
  const auto truth = read_predictions(file, "truth", JoinKey::Index).values.values();
  std::vector<double> pred, gt;
  for (const auto& [index, l] : loss) {
    auto it = truth.find(index);
    if (it == truth.end()) continue;
    pred.push_back(-l);
    gt.push_back(it->second);
  }
  if (pred.size() < 2) return;
  for (const auto& m : metrics::ranking_metrics()) {
    const double v = m.compute(pred, gt, options.parameters);
    if (!std::isnan(v)) cell.values[std::string(m.key)] = v;
  }
  for (const auto& point : metrics::top_n_kendall_curve(pred, gt))
    if (!std::isnan(point.tau)) cell.top_n_curve.emplace_back(static_cast<double>(point.n), point.tau);
}

bool is_finished(const fs::path& dir) {
  try {
    if (!fs::exists(dir / "status.json")) return false;
    return json::parse(util::read_text(dir / "status.json")).value("state", "") == "finished";
  } catch (const json::exception&) {
    return false;
  }
}

void read_cell(CellResult& cell, const AblationOptions& options) {
  cell.finished = is_finished(cell.dir);
  if (!cell.finished) return;
  read_metrics(cell.dir / "metrics.json", options, cell);
  if (options.score == ScoreColumn::Loss) rescore_by_loss(cell.dir / "predictions.csv", options, cell);
  read_train_log(cell.dir / "train-log.jsonl", cell);
}

}  // namespace

std::string score_column_name(ScoreColumn score) { return score == ScoreColumn::Loss ? "loss" : "prediction"; }

ScoreColumn parse_score_column(const std::string& name) {
  if (name == "prediction" || name == "accuracy") return ScoreColumn::Prediction;
  if (name == "loss") return ScoreColumn::Loss;
  throw std::invalid_argument(fmt::format("score '{}': expected prediction (alias accuracy) or loss", name));
}

std::vector<CellResult> read_cell_results(const fs::path& results_dir, const AblationOptions& options) {
  if (!fs::is_directory(results_dir)) throw std::runtime_error(fmt::format("{}: no such folder", results_dir.string()));
  std::vector<CellResult> cells;
  const fs::path index_file = results_dir / "matrix.json";
  if (fs::exists(index_file)) {
    try {
      const json doc = json::parse(util::read_text(index_file));
      for (const auto& c : doc.at("cells")) {
        CellResult cell;
        cell.id = c.at("id").get<std::string>();
        cell.name = c.value("name", "");
        cell.group = c.value("group", cell.name);
        cell.dir = results_dir / cell.id;
        if (c.contains("axes") && c.at("axes").is_array())
          for (const auto& axis : c.at("axes"))
            if (axis.value("key", "") == "seed") cell.seed = axis.value("value", "");
        cells.push_back(std::move(cell));
      }
    } catch (const json::exception& e) {
      throw std::runtime_error(fmt::format("{}: unreadable: {}", index_file.string(), e.what()));
    }
  } else {
    // Any folder of run folders makes a table too, one row per run.
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(results_dir))
      if (entry.is_directory() && fs::exists(entry.path() / "status.json")) dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      CellResult cell;
      cell.id = cell.name = cell.group = d.filename().string();
      cell.dir = d;
      cells.push_back(std::move(cell));
    }
    if (cells.empty())
      throw std::runtime_error(fmt::format("{}: neither a matrix.json nor run folders (with status.json)", results_dir.string()));
  }
  for (auto& cell : cells) read_cell(cell, options);
  return cells;
}

}  // namespace spbench::tables
