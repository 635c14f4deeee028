#include "spbench/analysis/results/indexed_values.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in ranges.h since fmt 11)

#include <charconv>
#include <cmath>
#include <exception>

#include "spbench/space/cell_architecture.hpp"
#include "spbench/analysis/results/ground_truth.hpp"

namespace spbench::tables {

namespace {

std::optional<int> parse_int(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The architecture's index, or the reason why there is none.
struct ArchKey {
  std::optional<int> index;
  JoinIssue issue = JoinIssue::BadArch;
  std::string detail;
};

ArchKey index_of_arch(const std::string& text) {
  ArchKey key;
  CellArch arch;
  try {
    arch = CellArch::parse(text);
  } catch (const std::exception& e) {
    key.issue = JoinIssue::BadArch;
    key.detail = e.what();
    return key;
  }
  try {
    key.index = nb201_index(arch);
  } catch (const std::exception& e) {
    key.issue = JoinIssue::UnknownArch;
    key.detail = e.what();
  }
  return key;
}

}  // namespace

std::optional<double> IndexedValues::at(int index) const {
  const auto it = values_.find(index);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

IndexedLoad read_indexed_column(const BenchmarkTable& table, const std::string& column, JoinKey key) {
  const bool has_index = table.has_column("index");
  const bool has_arch = table.has_column("arch");
  const bool automatic = key == JoinKey::Auto;
  if (automatic) {
    if (!has_index && !has_arch)
      throw TableError(table.source(), 0,
                       fmt::format("needs an \"arch\" or an \"index\" column to name architectures (columns: {})",
                                   fmt::join(table.columns(), ", ")));
    key = has_index ? JoinKey::Index : JoinKey::Arch;
  }
  const std::size_t key_column = table.column_index(key == JoinKey::Index ? "index" : "arch");
  // With both columns, an index that names another architecture than the
  // arch string is a broken table; joining on either would be a guess. An
  // explicit JoinKey::Index trusts the index alone.
  const bool cross_check = automatic && has_index && has_arch;
  const std::size_t arch_column = has_arch ? table.column_index("arch") : 0;
  const auto values = table.numeric_column(column);

  IndexedLoad load;
  load.report.source = table.source();
  load.report.rows = table.rows();
  std::map<int, double> by_index;
  std::map<int, std::size_t> line_of;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    const std::string& key_text = table.cell(r, key_column);
    const std::size_t line = table.line(r);
    std::optional<int> index;
    if (key == JoinKey::Index) {
      index = parse_int(key_text);
      if (!index) {
        load.report.add(JoinIssue::BadIndex, {line, key_text, ""});
        continue;
      }
      if (*index < 0 || *index >= kNumArchitectures) {
        load.report.add(JoinIssue::IndexOutOfRange, {line, key_text, fmt::format("valid: 0 … {}", kNumArchitectures - 1)});
        continue;
      }
      if (cross_check) {
        const std::string& arch_text = table.cell(r, arch_column);
        const ArchKey by_arch = index_of_arch(arch_text);
        if (!by_arch.index) {
          load.report.add(by_arch.issue, {line, arch_text, by_arch.detail});
          continue;
        }
        if (*by_arch.index != *index) {
          load.report.add(JoinIssue::ArchIndexMismatch,
                          {line, key_text, fmt::format("the arch column names index {}", *by_arch.index)});
          continue;
        }
      }
    } else {
      const ArchKey by_arch = index_of_arch(key_text);
      if (!by_arch.index) {
        load.report.add(by_arch.issue, {line, key_text, by_arch.detail});
        continue;
      }
      index = by_arch.index;
    }
    const auto& value = values[r];
    if (!value) {
      load.report.add(JoinIssue::MissingValue, {line, key_text, fmt::format("column \"{}\" is empty", column)});
      continue;
    }
    if (!std::isfinite(*value)) {
      load.report.add(JoinIssue::NonFiniteValue, {line, key_text, fmt::format("column \"{}\" is {}", column, *value)});
      continue;
    }
    const auto [it, fresh] = line_of.emplace(*index, line);
    if (!fresh) {
      load.report.add(JoinIssue::Duplicate, {line, key_text, fmt::format("index {} already on line {}", *index, it->second)});
      continue;
    }
    by_index.emplace(*index, *value);
    ++load.report.matched;
  }
  load.values = IndexedValues(table.source(), column, std::move(by_index));
  return load;
}

GroundTruthLoad load_ground_truth(const BenchmarkTable& table, const std::string& column, JoinKey key) {
  return read_indexed_column(table, column, key);
}

GroundTruthLoad load_ground_truth(const std::filesystem::path& file, const std::string& column, JoinKey key) {
  return read_indexed_column(BenchmarkTable::read(file), column, key);
}

}  // namespace spbench::tables
