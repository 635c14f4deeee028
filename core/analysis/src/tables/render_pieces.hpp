#pragma once
// Private to the table renderers: what every format shows of a cell of the
// table, as text pieces each format wraps in its own markup; and the
// renderers' factories, which the registry (table_renderer.cpp) lists.

#include <cstddef>
#include <memory>
#include <string>

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
std::string row_label(const AblationRow& row);  // with " (reference)" / " (baseline)"

std::unique_ptr<TableRenderer> make_markdown();
std::unique_ptr<TableRenderer> make_csv();
std::unique_ptr<TableRenderer> make_tex();
std::unique_ptr<TableRenderer> make_html();

}  // namespace spbench::tables::render
