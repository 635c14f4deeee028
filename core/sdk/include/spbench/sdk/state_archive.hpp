#pragma once
// A plugin's learned state in its checkpoint archive, in a call per value:
// save_state wraps its OutputArchive in a StateWriter, load_state its
// InputArchive in a StateReader, and each value goes in and comes out by
// key, whatever its kind: tensors, named sets of tensors, text, integer
// lists, numbers.
//
//   void save_state(torch::serialize::OutputArchive& archive) const override {
//     StateWriter(archive).tensors("shadow", shadow_).integers("counts", counts_);
//   }
//   void load_state(torch::serialize::InputArchive& archive) override {
//     StateReader state(archive);
//     shadow_ = state.tensors("shadow");
//     counts_ = state.integers("counts");
//   }
//
// Everything is stored as a buffer tensor (string and integer values through
// checkpoint_values.hpp, which also copies values read back from a GPU to the
// host). A named set under KEY is KEY_names (the names, each followed by a
// newline) and KEY_v0, KEY_v1, … in name order, so a map round-trips with
// its names. Readers throw std::runtime_error naming the key when it is
// absent; has() asks first, for state a plugin's older versions did not save.

#include <ATen/ATen.h>
#include <torch/serialize/archive.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "spbench/sdk/checkpoint_values.hpp"

namespace spbench {

class StateWriter {
 public:
  explicit StateWriter(torch::serialize::OutputArchive& archive) : archive_(archive) {}

  StateWriter& tensor(const std::string& key, const at::Tensor& value) {
    archive_.write(key, value, /*is_buffer=*/true);
    return *this;
  }
  StateWriter& tensors(const std::string& key, const std::map<std::string, at::Tensor>& named) {
    std::string names;
    std::int64_t i = 0;
    for (const auto& [name, value] : named) {
      names += name + "\n";
      tensor(key + "_v" + std::to_string(i++), value);
    }
    return text(key + "_names", names);
  }
  StateWriter& text(const std::string& key, const std::string& value) { return tensor(key, string_tensor(value)); }
  StateWriter& integers(const std::string& key, const std::vector<std::int64_t>& values) {
    return tensor(key, at::tensor(values, at::kLong));
  }
  StateWriter& number(const std::string& key, double value) {
    return tensor(key, at::full({1}, value, at::TensorOptions().dtype(at::kDouble)));
  }

 private:
  torch::serialize::OutputArchive& archive_;
};

class StateReader {
 public:
  explicit StateReader(torch::serialize::InputArchive& archive) : archive_(archive) {}

  bool has(const std::string& key) {
    at::Tensor t;
    return archive_.try_read(key, t, /*is_buffer=*/true);
  }
  at::Tensor tensor(const std::string& key) {
    at::Tensor t;
    if (!archive_.try_read(key, t, /*is_buffer=*/true))
      throw std::runtime_error("the checkpoint's plugin state has no value '" + key + "'");
    return t;
  }
  std::map<std::string, at::Tensor> tensors(const std::string& key) {
    const std::string names = text(key + "_names");
    std::map<std::string, at::Tensor> out;
    std::size_t start = 0;
    for (std::int64_t i = 0; start < names.size(); ++i) {
      const std::size_t end = names.find('\n', start);
      out[names.substr(start, end - start)] = tensor(key + "_v" + std::to_string(i));
      start = end == std::string::npos ? names.size() : end + 1;
    }
    return out;
  }
  std::string text(const std::string& key) { return tensor_string(tensor(key)); }
  std::vector<std::int64_t> integers(const std::string& key) { return tensor_int64s(tensor(key)); }
  double number(const std::string& key) { return tensor(key).to(at::kCPU, at::kDouble).item<double>(); }

 private:
  torch::serialize::InputArchive& archive_;
};

}  // namespace spbench
