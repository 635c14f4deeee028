#include "spbench/analysis/tables/table_renderer.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "render_pieces.hpp"

namespace spbench::tables {

const std::vector<TableFormatEntry>& table_formats() {
  static const std::vector<TableFormatEntry> formats = {
      {"md", {"markdown"}, render::make_markdown},
      {"csv", {}, render::make_csv},
      {"tex", {"latex"}, render::make_tex},
      {"html", {}, render::make_html},
      {"json", {}, render::make_json},
  };
  return formats;
}

std::unique_ptr<TableRenderer> make_table_renderer(const std::string& name) {
  std::string known;
  for (const auto& f : table_formats()) {
    if (f.name == name) return f.make();
    for (const auto& alias : f.aliases)
      if (alias == name) return f.make();
    known += (known.empty() ? "" : ", ") + f.name;
  }
  throw std::invalid_argument(fmt::format("unknown table format '{}' ({})", name, known));
}

std::vector<std::string> table_format_names() {
  std::vector<std::string> out;
  for (const auto& f : table_formats()) {
    out.push_back(f.name);
    out.insert(out.end(), f.aliases.begin(), f.aliases.end());
  }
  return out;
}

}  // namespace spbench::tables
