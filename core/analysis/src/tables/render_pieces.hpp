#pragma once
// Private to the table renderers: what every format shows of a cell of the
// table, as text pieces each format wraps in its own markup; and the
// renderers' factories, which the registry (table_renderer.cpp) lists.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "spbench/analysis/tables/ablation_table.hpp"
#include "spbench/analysis/tables/table_renderer.hpp"

namespace spbench::tables::render {

std::string number(double v, int digits);
// With a sign; "-0.000" reads as a loss where there is none, so zero has none.
std::string signed_number(double v, int digits);

struct Pieces {
  bool na = true;
  std::string value;  // "0.512"
  std::string spread; // "0.020" (std), or "n/a" for one value in a group; empty: no spread shown
  std::string n;      // "3"; empty: not shown
  std::string delta;  // "+0.034"; empty: none
};
Pieces pieces(const AblationTable& t, const AblationRow& row, std::size_t c);

std::string runs_text(const AblationRow& row);  // "3", or "2/3" when not all finished
// The seeds column: distinct seeds among the row's finished cells.
std::string seeds_text(const AblationRow& row);

// One line of the paired comparison with the baseline: a row and a metric,
// as text (the same numbers in every format). A row that could not be
// compared is one line with `problem` set and the other fields empty.
struct ComparisonLine {
  std::string cell;
  std::string key, title, tex, html;  // the metric's column
  std::string seeds;      // "3 paired", "1 vs 3 (independent)"
  std::string architectures;
  std::string delta;      // "+0.034"
  std::string interval;   // "[+0.010, +0.061]"
  std::string p, p_holm;  // "0.031"; "n/a" without a test
  bool significant = false;
  std::string test;       // "seeds (sign-flip)", "architectures (sign-flip, seed 0 vs 0)"
  std::string baseline_sd, mde;  // "0.018"; "n/a" for one seed
  std::string problem;
};
std::vector<ComparisonLine> comparison_lines(const AblationTable& t);
// "Paired comparison with the baseline (…): Δ on the common architectures, …": what the comparison table shows.
std::string comparison_caption(const AblationTable& t);
std::string p_text(double p);  // "0.031", "<0.001", or "n/a" without a test
std::string row_label(const AblationRow& row);  // with " (reference)" / " (baseline)"
// Text for HTML content and attribute values: & < > " escaped.
std::string html_escape(const std::string& s);

std::unique_ptr<TableRenderer> make_markdown();
std::unique_ptr<TableRenderer> make_csv();
std::unique_ptr<TableRenderer> make_tex();
std::unique_ptr<TableRenderer> make_html();
std::unique_ptr<TableRenderer> make_json();

}  // namespace spbench::tables::render
