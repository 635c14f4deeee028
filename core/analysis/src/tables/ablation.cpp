// The ablation table: statistics over a group's cells, Δ to the baseline,
// best values (build_ablation_table), and the format entry points.

#include "spbench/analysis/tables/ablation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

namespace spbench::tables {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Stat stat_of(const std::vector<double>& values) {
  Stat s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) return s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / s.n;
  if (s.n < 2) {
    s.stdev = kNaN;
    return s;
  }
  double ss = 0;
  for (double v : values) ss += (v - s.mean) * (v - s.mean);
  s.stdev = std::sqrt(ss / (s.n - 1));
  return s;
}

std::vector<AblationColumn> columns_for(const AblationOptions& options) {
  using metrics::TitleFormat;
  // Every ranking metric of the registry, then the training columns.
  std::vector<AblationColumn> c;
  for (const auto& m : metrics::ranking_metrics())
    c.push_back({std::string(m.key), m.title(TitleFormat::Text, options.parameters),
                 m.title(TitleFormat::Tex, options.parameters), m.title(TitleFormat::Html, options.parameters),
                 m.higher_is_better, m.digits, true});
  // Ranked by loss: say so in every heading of a ranking column, so that no
  // format can show loss-based numbers under an accuracy-based title.
  if (options.score == ScoreColumn::Loss)
    for (auto& col : c) {
      col.title += " (by loss)";
      col.tex += " (by loss)";
      col.html += " (by loss)";
    }
  c.push_back({"final_loss", "final loss", "final loss", "final loss", false, 4, false});
  if (options.timing) c.push_back({"train_seconds", "train time (s)", "train time (s)", "train time (s)", false, 1, false});
  return c;
}

}  // namespace

AblationTable build_ablation_table(const std::vector<CellResult>& cells, const AblationOptions& options) {
  AblationTable t;
  t.columns = columns_for(options);
  t.score = options.score;
  const std::size_t nc = t.columns.size();

  // Rows in the order their first cell appears.
  std::vector<std::string> groups;
  std::map<std::string, std::vector<const CellResult*>> members;
  for (const auto& c : cells) {
    const std::string label = c.group.empty() ? "(base)" : c.group;
    if (!members.count(label)) groups.push_back(label);
    members[label].push_back(&c);
  }
  for (const auto& label : groups) {
    AblationRow row;
    row.label = label;
    row.cells = static_cast<int>(members[label].size());
    if (row.cells > 1) t.grouped = true;
    std::set<std::string> seeds;
    for (const auto* c : members[label]) {
      row.finished += c->finished ? 1 : 0;
      if (c->finished && !c->seed.empty()) seeds.insert(c->seed);
      if (!c->seed.empty()) t.seeded = true;
    }
    row.seeds = static_cast<int>(seeds.size());
    for (const auto& col : t.columns) {
      std::vector<double> values;
      for (const auto* c : members[label]) {
        auto it = c->values.find(col.key);
        if (c->finished && it != c->values.end() && !std::isnan(it->second)) values.push_back(it->second);
      }
      row.values.push_back(stat_of(values));
    }
    row.delta.assign(nc, kNaN);
    row.best.assign(nc, false);
    row.significant.assign(nc, false);
    t.rows.push_back(std::move(row));
  }

  // Reference rows: the same predictor scored in several cells on the same
  // architectures gives the same numbers; count each distinct result once.
  std::vector<std::string> ref_names;
  std::map<std::string, std::vector<std::map<std::string, double>>> ref_values;
  for (const auto& c : cells)
    for (const auto& [name, values] : c.references) {
      if (!ref_values.count(name)) ref_names.push_back(name);
      auto& list = ref_values[name];
      if (std::find(list.begin(), list.end(), values) == list.end()) list.push_back(values);
    }
  for (const auto& name : ref_names) {
    AblationRow row;
    row.label = name;
    row.reference = true;
    row.cells = row.finished = static_cast<int>(ref_values[name].size());
    for (const auto& col : t.columns) {
      std::vector<double> values;
      for (const auto& v : ref_values[name]) {
        auto it = v.find(col.key);
        if (col.reference && it != v.end() && !std::isnan(it->second)) values.push_back(it->second);
      }
      row.values.push_back(stat_of(values));
    }
    if (row.cells > 1) t.grouped = true;
    row.delta.assign(nc, kNaN);
    row.best.assign(nc, false);
    row.significant.assign(nc, false);
    t.references.push_back(std::move(row));
  }

  if (!options.baseline.empty()) {
    std::string label;
    for (const auto& c : cells)
      if (c.id == options.baseline || c.name == options.baseline || c.group == options.baseline)
        label = c.group.empty() ? "(base)" : c.group;
    auto it = std::find_if(t.rows.begin(), t.rows.end(), [&](const AblationRow& r) { return r.label == label; });
    if (label.empty() || it == t.rows.end()) {
      std::string known;
      for (const auto& r : t.rows) known += "\n  " + r.label;
      throw std::runtime_error(fmt::format("--baseline '{}' names no row; the rows are:{}", options.baseline, known));
    }
    it->baseline = true;
    t.baseline = it->label;
    const AblationRow base = *it;
    for (auto* rows : {&t.rows, &t.references})
      for (auto& row : *rows) {
        if (row.baseline) continue;
        for (std::size_t c = 0; c < nc; ++c)
          if (row.values[c].n > 0 && base.values[c].n > 0) row.delta[c] = row.values[c].mean - base.values[c].mean;
      }
    if (options.compare) {
      std::vector<std::pair<std::string, std::vector<const CellResult*>>> grouped;
      for (const auto& label : groups) grouped.emplace_back(label, members[label]);
      t.comparison = compare_with_baseline(grouped, t.baseline, options);
      for (const auto& rc : t.comparison.rows) {
        auto row = std::find_if(t.rows.begin(), t.rows.end(), [&](const AblationRow& r) { return r.label == rc.label; });
        for (std::size_t k = 0; k < t.comparison.metrics.size(); ++k)
          for (std::size_t c = 0; c < nc; ++c)
            if (t.columns[c].key == t.comparison.metrics[k]) row->significant[c] = rc.significant[k];
      }
    }
  }

  // The best value of a column among the cells' rows (references are for
  // reading against, not competitors); marked only where there is a choice.
  for (std::size_t c = 0; c < nc; ++c) {
    std::vector<std::size_t> with;
    for (std::size_t r = 0; r < t.rows.size(); ++r)
      if (t.rows[r].values[c].n > 0) with.push_back(r);
    if (with.size() < 2) continue;
    double best = t.rows[with.front()].values[c].mean;
    for (std::size_t r : with) {
      const double v = t.rows[r].values[c].mean;
      best = t.columns[c].higher_is_better ? std::max(best, v) : std::min(best, v);
    }
    for (std::size_t r : with) t.rows[r].best[c] = t.rows[r].values[c].mean == best;
  }
  return t;
}

std::string render_ablation(const AblationTable& table, const std::string& format) {
  return make_table_renderer(format)->render(table);
}

std::string ablation_table(const fs::path& results_dir, const AblationOptions& options, const std::string& format) {
  return render_ablation(build_ablation_table(read_cell_results(results_dir, options), options), format);
}

}  // namespace spbench::tables
