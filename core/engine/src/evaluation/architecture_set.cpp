#include "spbench/engine/evaluation/architecture_set.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "spbench/analysis/metrics/ranking_metrics.hpp"
#include "spbench/sdk/random_seeds.hpp"
#include "spbench/analysis/results/csv.hpp"
#include "spbench/util/uniform_index.hpp"

namespace spbench::evaluation {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// An index or an architecture string; std::nullopt for anything else.
std::optional<CellArch> parse_entry(const std::string& text, std::string& why) {
  const std::string t = trim(text);
  if (!t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (t.size() > 6 || std::stoi(t) >= kNumArchitectures) {
      why = "index out of range 0 … 15624";
      return std::nullopt;
    }
    return nb201_arch(std::stoi(t));
  }
  try {
    return CellArch::parse(t);
  } catch (const ArchParseError& e) {
    why = e.what();
    return std::nullopt;
  }
}

}  // namespace

void sort_by_index(std::vector<CellArch>& archs) {
  std::vector<std::pair<int, CellArch>> keyed;
  keyed.reserve(archs.size());
  for (const auto& a : archs) keyed.emplace_back(nb201_index(a), a);
  std::sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (std::size_t i = 0; i < archs.size(); ++i) archs[i] = keyed[i].second;
}

std::vector<CellArch> read_architecture_list(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read the architecture list", file.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  std::vector<CellArch> out;
  std::set<CellArch> seen;
  auto add = [&](const CellArch& a) {
    if (seen.insert(a).second) out.push_back(a);
  };
  // A CSV with a header naming `index` or `arch` (e.g. a predictions file).
  const auto first_line = text.substr(0, text.find('\n'));
  if (first_line.find(',') != std::string::npos) {
    const tables::CsvTable csv = tables::parse_csv(text, file.string());
    auto col = [&](const char* name) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < csv.header.size(); ++i)
        if (csv.header[i] == name) return i;
      return std::nullopt;
    };
    const auto c = col("index") ? col("index") : col("arch");
    if (!c) throw std::runtime_error(fmt::format("{}: a CSV architecture list needs an `index` or `arch` column", file.string()));
    for (std::size_t r = 0; r < csv.rows.size(); ++r) {
      std::string why;
      auto a = parse_entry(csv.rows[r][*c], why);
      if (!a) throw std::runtime_error(fmt::format("{}:{}: not an architecture: {}", file.string(), csv.lines[r], why));
      add(*a);
    }
    return out;
  }
  std::istringstream lines(text);
  std::string line;
  for (std::size_t number = 1; std::getline(lines, line); ++number) {
    const std::string entry = trim(line.substr(0, line.find('#')));
    if (entry.empty()) continue;
    std::string why;
    auto a = parse_entry(entry, why);
    if (!a) throw std::runtime_error(fmt::format("{}:{}: '{}' is neither a NAS-Bench-201 index nor an architecture: {}",
                                                 file.string(), number, entry, why));
    add(*a);
  }
  return out;
}

std::vector<CellArch> uniform_sample(const std::vector<CellArch>& candidates, std::int64_t k, std::uint64_t seed) {
  std::vector<CellArch> pool = candidates;
  sort_by_index(pool);  // the draw must not depend on the caller's order
  const std::size_t n = pool.size();
  const std::size_t take = std::min<std::size_t>(n, static_cast<std::size_t>(std::max<std::int64_t>(k, 0)));
  std::mt19937_64 rng(mix_seed({seed, 0x45564153ULL /* architecture sample */}));
  // Partial Fisher–Yates: the first `take` positions are the sample.
  for (std::size_t i = 0; i < take; ++i) std::swap(pool[i], pool[i + util::uniform_index(rng, n - i)]);
  pool.resize(take);
  sort_by_index(pool);
  return pool;
}

std::vector<CellArch> stratified_sample(const std::vector<CellArch>& candidates, const std::vector<double>& key,
                                        std::int64_t k, std::uint64_t seed) {
  if (key.size() != candidates.size()) throw std::invalid_argument("stratified_sample: key and candidates differ in length");
  const std::size_t n = candidates.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::vector<int> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = nb201_index(candidates[i]);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return key[a] != key[b] ? key[a] < key[b] : idx[a] < idx[b];
  });
  std::vector<CellArch> out;
  if (k <= 0) return out;
  if (static_cast<std::size_t>(k) >= n) {
    out = candidates;
  } else {
    std::mt19937_64 rng(mix_seed({seed, 0x53545241ULL /* strata */}));
    const std::size_t K = static_cast<std::size_t>(k);
    for (std::size_t s = 0; s < K; ++s) {
      const std::size_t lo = s * n / K, hi = (s + 1) * n / K;  // non-empty: K < n
      out.push_back(candidates[order[lo + util::uniform_index(rng, hi - lo)]]);
    }
  }
  sort_by_index(out);
  return out;
}

std::uint64_t architecture_sample_seed(const ExperimentSpec& spec) {
  const std::int64_t own = spec.evaluation.architectures.seed;
  return static_cast<std::uint64_t>(own >= 0 ? own : spec.seed);
}

ArchitectureSet select_architectures(const ArchitectureSelection& selection, const SearchSpace& space,
                                     std::uint64_t seed, const tables::IndexedValues* truth) {
  using Kind = ArchitectureSelection::Kind;
  ArchitectureSet set;
  const std::vector<CellArch> members = space.enumerate();  // ascending index
  auto with_truth = [&](const char* what) {
    if (!truth) throw std::invalid_argument(fmt::format("evaluation.architectures: {} needs ground truth", what));
    std::vector<CellArch> have;
    std::vector<double> values;
    for (const auto& a : members)
      if (auto v = truth->at(nb201_index(a))) have.push_back(a), values.push_back(*v);
    if (have.size() < members.size())
      set.notes.push_back(fmt::format("{} of {} architectures of the space have no ground-truth value and cannot be chosen by {}",
                                      members.size() - have.size(), members.size(), what));
    return std::make_pair(have, values);
  };
  auto note_short = [&](std::int64_t k, std::size_t available) {
    if (static_cast<std::size_t>(k) > available)
      set.notes.push_back(fmt::format("asked for {} architectures, only {} available: taking all", k, available));
  };
  switch (selection.kind) {
    case Kind::All:
      set.architectures = members;
      break;
    case Kind::Unique: {
      std::set<std::string> keys;
      for (const auto& a : members)
        if (keys.insert(isomorphism_key(a)).second) set.architectures.push_back(a);
      break;
    }
    case Kind::Sample:
      if (selection.stratified) {
        auto [have, values] = with_truth("a stratified sample");
        note_short(selection.count, have.size());
        set.architectures = stratified_sample(have, values, selection.count, seed);
      } else {
        note_short(selection.count, members.size());
        set.architectures = uniform_sample(members, selection.count, seed);
      }
      break;
    case Kind::List: {
      std::size_t outside = 0;
      std::string example;
      for (const auto& a : read_architecture_list(selection.file)) {
        if (space.contains(a)) {
          set.architectures.push_back(a);
        } else if (outside++ == 0) {
          example = a.to_string();
        }
      }
      if (outside)
        set.notes.push_back(fmt::format("{}: {} architecture(s) use operations outside the search space and are left out (e.g. {})",
                                        selection.file, outside, example));
      sort_by_index(set.architectures);
      break;
    }
    case Kind::Top: {
      auto [have, values] = with_truth("top");
      note_short(selection.count, have.size());
      std::vector<std::size_t> order(have.size());
      std::iota(order.begin(), order.end(), 0);
      // `have` is in index order, so a stable sort breaks ties by index.
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] > values[b]; });
      for (std::size_t i = 0; i < order.size() && i < static_cast<std::size_t>(selection.count); ++i)
        set.architectures.push_back(have[order[i]]);
      sort_by_index(set.architectures);
      break;
    }
  }
  return set;
}

}  // namespace spbench::evaluation
