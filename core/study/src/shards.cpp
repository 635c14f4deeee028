#include "spbench/study/shards.hpp"

#include <fmt/format.h>

#include <regex>
#include <stdexcept>

#include "spbench/util/hash.hpp"

namespace spbench::evaluation {

ShardSpec parse_shard(const std::string& text) {
  static const std::regex re(R"(^\s*(\d+)\s*/\s*(\d+)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re) || m[1].length() > 6 || m[2].length() > 6)
    throw std::invalid_argument(fmt::format("--shard '{}': expected I/N, e.g. 0/4", text));
  ShardSpec s{std::stoi(m[1]), std::stoi(m[2])};
  if (s.count < 1 || s.index >= s.count)
    throw std::invalid_argument(fmt::format("--shard '{}': expected 0 <= I < N", text));
  return s;
}

std::string shard_csv_name(const ShardSpec& s) { return fmt::format("predictions.shard-{}-of-{}.csv", s.index, s.count); }
std::string shard_json_name(const ShardSpec& s) { return fmt::format("predictions.shard-{}-of-{}.json", s.index, s.count); }

std::string architecture_set_hash(const std::vector<int>& sorted_indices) {
  std::string text;
  for (int i : sorted_indices) text += std::to_string(i) + ",";
  return util::fnv1a64_hex(text);
}

}  // namespace spbench::evaluation
