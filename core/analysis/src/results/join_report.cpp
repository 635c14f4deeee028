#include "spbench/analysis/results/join_report.hpp"

#include <fmt/format.h>

namespace spbench::tables {

std::string_view join_issue_name(JoinIssue issue) {
  switch (issue) {
    case JoinIssue::BadArch: return "unparsable arch";
    case JoinIssue::UnknownArch: return "arch without a NAS-Bench-201 index";
    case JoinIssue::BadIndex: return "index not an integer";
    case JoinIssue::IndexOutOfRange: return "index out of range";
    case JoinIssue::ArchIndexMismatch: return "arch and index disagree";
    case JoinIssue::Duplicate: return "duplicate architecture";
    case JoinIssue::MissingValue: return "empty value";
    case JoinIssue::NonFiniteValue: return "non-finite value";
  }
  return "?";
}

void JoinReport::add(JoinIssue issue, JoinExample example) {
  ++counts[issue];
  auto& list = examples[issue];
  if (list.size() < kMaxExamples) list.push_back(std::move(example));
}

std::string JoinReport::summary() const {
  if (clean()) return "";
  std::string out = fmt::format("{}: {} of {} rows joined; left out:", source, matched, rows);
  for (const auto& [issue, count] : counts) {
    out += fmt::format("\n  {} × {}", count, join_issue_name(issue));
    const auto it = examples.find(issue);
    if (it == examples.end()) continue;
    for (const auto& e : it->second) {
      out += fmt::format("\n    line {}: \"{}\"", e.line, e.key);
      if (!e.detail.empty()) out += fmt::format(" ({})", e.detail);
    }
    if (count > it->second.size()) out += fmt::format("\n    … and {} more", count - it->second.size());
  }
  return out;
}

}  // namespace spbench::tables
