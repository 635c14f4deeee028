#include "spbench/util/yaml/diagnostic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace spbench {

std::string SourceLocation::str() const {
  if (!has_position()) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

std::string Diagnostic::str() const {
  std::string text = location.str() + ": error: ";
  if (!key_path.empty()) text += key_path + ": ";
  text += message;
  if (!hint.empty()) text += "\n  " + hint;
  return text;
}

std::string format(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) text += d.str() + "\n";
  return text;
}

namespace {
std::string summary(const std::vector<Diagnostic>& diagnostics) {
  if (diagnostics.empty()) return "invalid spec";
  std::string text = format(diagnostics);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}
}  // namespace

SpecError::SpecError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(summary(diagnostics)), diagnostics_(std::move(diagnostics)) {}

int edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string w = lower(word);
  std::string best;
  int best_distance = 0;
  for (const auto& candidate : candidates) {
    if (candidate.empty() || candidate == word) continue;
    // Case and '-' vs '_' slips are free: "Label_Smoothing" means "label-smoothing".
    auto normal = [&](std::string s) {
      s = lower(std::move(s));
      std::replace(s.begin(), s.end(), '_', '-');
      return s;
    };
    const int distance = normal(w) == normal(candidate) ? 0 : edit_distance(w, lower(candidate));
    const int limit = std::max(1, std::min(2, static_cast<int>(candidate.size()) / 3));
    if (distance > limit) continue;
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace spbench
