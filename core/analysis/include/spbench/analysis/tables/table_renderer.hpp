#pragma once
// Table formats behind one interface, found by name (as google/benchmark's
// reporters): a format is one renderer file (render_<format>.cpp) and one
// line in the registry (table_renderer.cpp).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "spbench/analysis/tables/ablation_table.hpp"

namespace spbench::tables {

class TableRenderer {
 public:
  virtual ~TableRenderer() = default;
  // The whole document: every row, the reference rows, any legend.
  virtual std::string render(const AblationTable& table) const = 0;
};

struct TableFormatEntry {
  std::string name;                  // "md"
  std::vector<std::string> aliases;  // "markdown"
  std::function<std::unique_ptr<TableRenderer>()> make;
};

// The registry, in the order of help texts and messages.
const std::vector<TableFormatEntry>& table_formats();

// The renderer of a format named by its name or an alias; throws
// std::invalid_argument naming the formats otherwise.
std::unique_ptr<TableRenderer> make_table_renderer(const std::string& name);

// Every accepted name, each format followed by its aliases (md, markdown, …).
std::vector<std::string> table_format_names();

}  // namespace spbench::tables
