#pragma once
// Diagnostics for experiment specs: where a problem is (file:line:column or
// the `--set` override that caused it), which key, what was expected, and an
// optional hint ("did you mean 'epochs'?").
//
// The spec loader and validator collect every problem they find in one pass;
// SpecError carries the whole list so that a user fixes a spec in one edit
// instead of one error per run.

#include <stdexcept>
#include <string>
#include <vector>

namespace spbench {

// 1-based line and column; line 0 means "no position" (a `--set` override,
// whose `file` then reads "--set a.b=c", or a whole file).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  bool has_position() const { return line > 0; }
  // "file:line:column", or just "file" without a position.
  std::string str() const;
  bool operator==(const SourceLocation& o) const {
    return file == o.file && line == o.line && column == o.column;
  }
  bool operator!=(const SourceLocation& o) const { return !(*this == o); }
};

struct Diagnostic {
  SourceLocation location;
  std::string key_path;  // "training.epochs", "variants[1].options.epsilon"; empty for file-level errors
  std::string message;   // what was expected and what was found
  std::string hint;      // e.g. "did you mean 'epochs'?"; may be empty

  // "file:12:5: error: training.epochs: expected …" and, with a hint, a
  // second line "  did you mean 'epochs'?".
  std::string str() const;
};

// All diagnostics, one after another, each ending in a newline.
std::string format(const std::vector<Diagnostic>& diagnostics);

class SpecError : public std::runtime_error {
 public:
  explicit SpecError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Optimal-string-alignment (restricted Damerau-Levenshtein) distance: a
// swapped pair of neighbouring letters counts as one edit, the most common
// typing slip.
int edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `word` when it is close enough to be a plausible
// typo (at most 2 edits, and at most a third of the candidate's length, at
// least 1); empty otherwise. Ties go to the earlier candidate.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace spbench
