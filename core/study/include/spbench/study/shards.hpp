#pragma once
// Sharded evaluation (--shard I/N): which part of the evaluated set a shard
// scores, the files it leaves, and the hash that keeps shards of different
// sets from being merged.

#include <string>
#include <vector>

namespace spbench::evaluation {

struct ShardSpec {
  int index = 0;
  int count = 1;
  bool sharded() const { return count > 1; }
};
// "I/N" with 0 <= I < N; throws std::invalid_argument otherwise.
ShardSpec parse_shard(const std::string& text);
std::string shard_csv_name(const ShardSpec& shard);   // predictions.shard-I-of-N.csv
std::string shard_json_name(const ShardSpec& shard);  // predictions.shard-I-of-N.json

// Identifies the evaluated set (NAS-Bench-201 indices, sorted), so that
// shards of different sets never merge.
std::string architecture_set_hash(const std::vector<int>& sorted_indices);

}  // namespace spbench::evaluation
