#pragma once
// What a join of table rows to NAS-Bench-201 architectures could not use.
// Rows are never dropped silently: each one left out is counted under a
// reason, and the first few are kept as examples for the message.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace spbench::tables {

enum class JoinIssue {
  BadArch,           // the arch string does not parse
  UnknownArch,       // it parses but has no NAS-Bench-201 index
  BadIndex,          // the index is not an integer
  IndexOutOfRange,   // not in 0 … 15624
  ArchIndexMismatch, // both columns present and they name different architectures
  Duplicate,         // the architecture was already given by an earlier row
  MissingValue,      // the value cell is empty
  NonFiniteValue,    // the value is NaN or infinite
};

std::string_view join_issue_name(JoinIssue issue);

struct JoinExample {
  std::size_t line = 0;  // file line of the row
  std::string key;       // the arch string or index as written
  std::string detail;    // e.g. "duplicate of line 12"
};

struct JoinReport {
  std::string source;  // the file joined
  std::size_t rows = 0;
  std::size_t matched = 0;
  std::map<JoinIssue, std::size_t> counts;
  std::map<JoinIssue, std::vector<JoinExample>> examples;  // at most kMaxExamples each

  static constexpr std::size_t kMaxExamples = 5;

  void add(JoinIssue issue, JoinExample example);
  std::size_t unmatched() const { return rows - matched; }
  bool clean() const { return matched == rows; }
  // E.g. "preds.csv: 998 of 1000 rows joined; left out: 2 bad arch (line 4:
  // "|foo~0|…": …)". Empty when every row joined.
  std::string summary() const;
};

}  // namespace spbench::tables
