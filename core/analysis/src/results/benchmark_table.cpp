#include "spbench/analysis/results/benchmark_table.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in ranges.h since fmt 11)

#include <algorithm>
#include <cctype>
#include <charconv>

namespace spbench::tables {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  // from_chars accepts no leading '+'; a table may well carry one.
  std::string_view body = text;
  if (body.front() == '+') body.remove_prefix(1);
  if (text.front() == '+' && (body.empty() || body.front() == '+' || body.front() == '-')) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (error != std::errc() || end != body.data() + body.size()) return std::nullopt;
  return value;
}

std::vector<std::string> closest_names(const std::string& name, const std::vector<std::string>& candidates) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  // A typo costs an edit or two; a longer name may carry proportionally more.
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    const bool contains = !name.empty() && (c.find(name) != std::string::npos || name.find(c) != std::string::npos);
    if (d <= limit || contains) scored.emplace_back(contains ? std::min(d, limit) : d, c);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

BenchmarkTable::BenchmarkTable(CsvTable csv) : csv_(std::move(csv)) {}

BenchmarkTable BenchmarkTable::read(const std::filesystem::path& file) { return BenchmarkTable(read_csv(file)); }

bool BenchmarkTable::has_column(const std::string& name) const {
  return std::find(csv_.header.begin(), csv_.header.end(), name) != csv_.header.end();
}

std::size_t BenchmarkTable::column_index(const std::string& name) const {
  const auto it = std::find(csv_.header.begin(), csv_.header.end(), name);
  if (it != csv_.header.end()) return static_cast<std::size_t>(it - csv_.header.begin());
  std::string message = fmt::format("no column \"{}\"", name);
  const auto near = closest_names(name, csv_.header);
  if (!near.empty()) message += fmt::format("; did you mean \"{}\"?", fmt::join(near, "\", \""));
  message += fmt::format(" (available columns: {})", fmt::join(csv_.header, ", "));
  throw TableError(csv_.source, 0, message);
}

std::vector<std::optional<double>> BenchmarkTable::numeric_column(const std::string& name) const {
  const std::size_t c = column_index(name);
  std::vector<std::optional<double>> values;
  values.reserve(csv_.rows.size());
  for (std::size_t r = 0; r < csv_.rows.size(); ++r) {
    const std::string& text = csv_.rows[r][c];
    if (trim(text).empty()) {
      values.emplace_back();
      continue;
    }
    const auto value = parse_number(text);
    if (!value)
      throw TableError(csv_.source, csv_.lines[r],
                       fmt::format("column \"{}\": expected a number, found \"{}\"", name, text));
    values.push_back(value);
  }
  return values;
}

}  // namespace spbench::tables
