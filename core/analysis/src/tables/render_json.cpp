// The ablation table as JSON: every number in full (null for n/a), and the
// paired comparison with the baseline per row and metric. `spbench table
// --baseline` also writes it as comparison.json beside the cells.

#include <nlohmann/json.hpp>

#include <cmath>

#include "render_pieces.hpp"

namespace spbench::tables::render {

namespace {

using nlohmann::json;

json num(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

json row_json(const AblationTable& t, const AblationRow& row) {
  json values = json::object();
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const Stat& s = row.values[c];
    json v = {{"mean", s.n > 0 ? num(s.mean) : json(nullptr)},
              {"std", s.n > 1 ? num(s.stdev) : json(nullptr)},
              {"n", s.n},
              {"best", static_cast<bool>(row.best[c])}};
    if (!t.baseline.empty()) v["delta"] = num(row.delta[c]);
    values[t.columns[c].key] = v;
  }
  json j = {{"label", row.label},
            {"kind", row.reference ? "reference" : row.baseline ? "baseline" : "cell"},
            {"cells", row.cells},
            {"finished", row.finished},
            {"values", values}};
  if (t.seeded && !row.reference) j["seeds"] = row.seeds;
  return j;
}

json comparison_json(const BaselineComparison& c) {
  json rows = json::array();
  for (const auto& rc : c.rows) {
    json r = {{"label", rc.label}, {"compared", rc.compared}};
    if (!rc.compared) {
      r["problem"] = rc.problem;
      rows.push_back(r);
      continue;
    }
    json res = json::parse(statistics::to_json(rc.result));
    for (std::size_t k = 0; k < rc.result.metrics.size(); ++k) {
      json& m = res["metrics"][rc.result.metrics[k].key];
      m["p_holm"] = num(rc.p_holm[k]);
      m["significant"] = static_cast<bool>(rc.significant[k]);
    }
    r.update(res);
    rows.push_back(r);
  }
  return {{"baseline", c.baseline},
          {"metrics", c.metrics},
          {"bootstrap", {{"resamples", c.resamples}, {"seed", c.seed}, {"confidence", c.confidence},
                         {"method", "hierarchical percentile (seeds, then architectures)"}}},
          {"alpha", c.alpha},
          {"multiple_testing", "holm, across rows, per metric"},
          {"rows", rows}};
}

std::string to_json(const AblationTable& t) {
  json columns = json::array();
  for (const auto& c : t.columns)
    columns.push_back({{"key", c.key}, {"title", c.title}, {"higher_is_better", c.higher_is_better}});
  json rows = json::array(), refs = json::array();
  for (const auto& r : t.rows) rows.push_back(row_json(t, r));
  for (const auto& r : t.references) refs.push_back(row_json(t, r));
  json doc = {{"columns", columns}, {"rows", rows}, {"references", refs}};
  doc["baseline"] = t.baseline.empty() ? json(nullptr) : json(t.baseline);
  doc["score"] = score_column_name(t.score);
  doc["comparison"] = t.comparison.baseline.empty() ? json(nullptr) : comparison_json(t.comparison);
  return doc.dump(2) + "\n";
}

class JsonRenderer final : public TableRenderer {
 public:
  std::string render(const AblationTable& table) const override { return to_json(table); }
};

}  // namespace

std::unique_ptr<TableRenderer> make_json() { return std::make_unique<JsonRenderer>(); }

}  // namespace spbench::tables::render
