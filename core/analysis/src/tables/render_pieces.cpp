#include "render_pieces.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace spbench::tables::render {

std::string number(double v, int digits) { return fmt::format("{:.{}f}", v, digits); }

std::string signed_number(double v, int digits) {
  std::string s = fmt::format("{:+.{}f}", v, digits);
  // "-0.000" reads as a loss where there is none.
  if (std::stod(s) == 0.0) s = fmt::format("{:.{}f}", 0.0, digits);
  return s;
}

Pieces pieces(const AblationTable& t, const AblationRow& row, std::size_t c) {
  Pieces p;
  const Stat& s = row.values[c];
  if (s.n == 0) return p;
  const int digits = t.columns[c].digits;
  p.na = false;
  p.value = number(s.mean, digits);
  if (row.cells > 1) {
    p.spread = std::isnan(s.stdev) ? "n/a" : number(s.stdev, digits);
    p.n = std::to_string(s.n);
  }
  if (!std::isnan(row.delta[c])) p.delta = signed_number(row.delta[c], digits) + (row.significant[c] ? "*" : "");
  return p;
}

std::string runs_text(const AblationRow& row) {
  return row.finished == row.cells ? std::to_string(row.cells) : fmt::format("{}/{}", row.finished, row.cells);
}

std::string seeds_text(const AblationRow& row) { return row.reference ? "" : std::to_string(row.seeds); }

std::string p_text(double p) {
  if (std::isnan(p)) return "n/a";
  if (p < 0.001) return "<0.001";
  return fmt::format("{:.3f}", p);
}

std::vector<ComparisonLine> comparison_lines(const AblationTable& t) {
  std::vector<ComparisonLine> out;
  const auto& cmp = t.comparison;
  for (const auto& rc : cmp.rows) {
    if (!rc.compared) {
      ComparisonLine line;
      line.cell = rc.label;
      line.problem = rc.problem;
      out.push_back(std::move(line));
      continue;
    }
    const auto& r = rc.result;
    for (std::size_t k = 0; k < r.metrics.size(); ++k) {
      const auto& m = r.metrics[k];
      const auto col = std::find_if(t.columns.begin(), t.columns.end(), [&](const AblationColumn& c) { return c.key == m.key; });
      const int digits = col != t.columns.end() ? col->digits : 3;
      ComparisonLine line;
      line.cell = rc.label;
      line.key = m.key;
      if (col != t.columns.end()) {
        line.title = col->title;
        line.tex = col->tex;
        line.html = col->html;
      } else {
        line.title = line.tex = line.html = m.key;
      }
      line.seeds = r.seeds_paired ? fmt::format("{} paired", r.a_seeds.size())
                                  : fmt::format("{} vs {} (independent)", r.a_seeds.size(), r.b_seeds.size());
      line.architectures = std::to_string(r.architectures);
      line.delta = std::isnan(m.delta) ? "n/a" : signed_number(m.delta, digits);
      line.interval = std::isnan(m.low) ? "n/a"
                                        : fmt::format("[{}, {}]", signed_number(m.low, digits), signed_number(m.high, digits));
      line.p = p_text(m.p_value);
      line.p_holm = p_text(rc.p_holm[k]);
      line.significant = rc.significant[k];
      line.test = test_name(m.test);
      if (m.test == statistics::PairedTest::ArchitecturesSignFlip)
        line.test = fmt::format("architectures (sign-flip, seed {} vs {})", r.tested_a_seed.empty() ? "-" : r.tested_a_seed,
                                r.tested_b_seed.empty() ? "-" : r.tested_b_seed);
      line.baseline_sd = std::isnan(m.baseline_sd) ? "n/a" : number(m.baseline_sd, digits);
      line.mde = std::isnan(m.mde) ? "n/a" : number(m.mde, digits);
      out.push_back(std::move(line));
    }
  }
  return out;
}

std::string comparison_caption(const AblationTable& t) {
  const auto& c = t.comparison;
  return fmt::format(
      "Paired comparison with the baseline ({}), on the architectures both rows scored (predictions.csv{}): "
      "Δ = row − baseline (mean over seeds); {:g} % interval: hierarchical bootstrap (seeds, then architectures; "
      "{} resamples, seed {}); p: permutation test (two-sided), p (Holm): Holm-adjusted across the rows per metric, "
      "*: p (Holm) < {:g}; baseline sd: the baseline's seed-to-seed sd (noise floor); "
      "MDE: minimum detectable effect (α = {:g}, power 0.8) of these seeds.",
      c.baseline, t.score == ScoreColumn::Loss ? ", ranked by its loss column, lower is better" : "", c.confidence * 100,
      c.resamples, c.seed, c.alpha, 1 - c.confidence);
}

std::string row_label(const AblationRow& row) {
  if (row.reference) return row.label + " (reference)";
  if (row.baseline) return row.label + " (baseline)";
  return row.label;
}

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace spbench::tables::render
