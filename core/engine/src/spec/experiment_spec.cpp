#include "spbench/engine/spec/experiment_spec.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "spbench/engine/spec/schema.hpp"
#include "spbench/engine/data/datasets.hpp"
#include "spbench/engine/spec/spec.hpp"

namespace spbench {

namespace fs = std::filesystem;

SourceLocation ExperimentSpec::location_of(const std::string& key_path) const {
  std::string path = key_path;
  while (!path.empty()) {
    if (auto it = locations.find(path); it != locations.end()) return it->second;
    const auto cut = path.find_last_of(".[");
    path = cut == std::string::npos ? std::string() : path.substr(0, cut);
  }
  return SourceLocation{spec_file.string(), 0, 0};
}

int dataset_num_classes(Dataset dataset) {
  const DatasetInfo* d = find_dataset(std::string(setting_name(dataset)));
  return d ? d->classes : 10;
}

int dataset_input_channels(Dataset dataset) {
  const DatasetInfo* d = find_dataset(std::string(setting_name(dataset)));
  return d ? d->channels : 3;
}

fs::path resolve_data_path(const std::string& path, const fs::path& data_root) {
  const fs::path p(path);
  return p.is_absolute() ? p : data_root / p;
}

// Every declared key (compared by its resolved-spec text, which reads back
// as the same value), plus what the spec derives from its keys and holds in
// `run` without a key of its own.
bool operator==(const ExperimentSpec& a, const ExperimentSpec& b) {
  for (const SpecKey& key : spec_schema()) {
    if (key.type == SpecKeyType::Section) continue;
    std::string ta, tb;
    key.print(ta, a);
    key.print(tb, b);
    if (ta != tb) return false;
  }
  const NetworkSetup &na = a.run.network, &nb = b.run.network;
  return a.run.space == b.run.space && a.run.seed == b.run.seed && na.num_classes == nb.num_classes &&
         na.input_channels == nb.input_channels && na.dropout == nb.dropout && na.drop_path == nb.drop_path;
}

}  // namespace spbench
