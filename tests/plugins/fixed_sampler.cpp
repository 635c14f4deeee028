// A valid plugin outside the bundled folder: always the same architecture.
#include <spbench/sdk/plugin.hpp>

namespace spbench::test_plugins::fixed {

class FixedSampler final : public PathSampler {
 public:
  explicit FixedSampler(const Options& options) : code_(static_cast<int>(options.get_int("code"))) {
    if (code_ < 0 || code_ >= kNumArchitectures) throw OptionError("code", "code must be in [0, 15625)");
  }
  void begin(const SearchSpace&, int cells) override { cells_ = cells; }
  std::vector<Path> next_step(Rng&) override {
    return {Path{std::vector<CellArch>(static_cast<std::size_t>(cells_), CellArch::from_code(code_))}};
  }

 private:
  int code_;
  int cells_ = 1;
};

const OptionSpec kOptions[] = {{"code", OptionType::Int, "0", "base-5 code of the architecture"}};

SPBENCH_SAMPLER(FixedSampler, "test-fixed", "0.1.0", "always one architecture (test plugin)", kOptions)

}  // namespace spbench::test_plugins::fixed
