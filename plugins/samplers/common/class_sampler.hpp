#pragma once
// Shared by `unique-uniform` and `functional-uniform`: uniform over classes
// of equivalent architectures within the (sub-)space, then uniform over the
// members of the drawn class (which member is drawn decides which weights
// train, so members are not collapsed to a representative).

#include <spbench/sdk/plugin.hpp>

#include <functional>
#include <map>
#include <string>

namespace spbench::plugins {

class ClassUniformSampler : public PathSampler {
 public:
  using KeyFn = std::function<std::string(const CellArch&)>;
  explicit ClassUniformSampler(KeyFn key) : key_(std::move(key)) {}

  void begin(const SearchSpace& space, int cells) override {
    cells_ = cells;
    std::map<std::string, std::size_t> index;
    classes_.clear();
    for (const CellArch& a : space.enumerate()) {
      auto [it, inserted] = index.emplace(key_(a), classes_.size());
      if (inserted) classes_.emplace_back();
      classes_[it->second].push_back(a);
    }
  }

  std::vector<Path> next_step(Rng& rng) override {
    Path p;
    p.cells.resize(static_cast<std::size_t>(cells_));
    for (auto& cell : p.cells) {
      const auto& members = classes_[uniform_index(rng, classes_.size())];
      cell = members[uniform_index(rng, members.size())];
    }
    return {p};
  }

  std::size_t num_classes() const { return classes_.size(); }

 private:
  KeyFn key_;
  int cells_ = 1;
  std::vector<std::vector<CellArch>> classes_;
};

}  // namespace spbench::plugins
