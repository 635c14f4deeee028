// Sampler `functional-uniform`: uniform over functionally distinct paths of
// the shared-weight super-network (architectures that differ only on edges
// that cannot change its output count once).

#include "class_sampler.hpp"

namespace spbench::plugins::functional_uniform {

class FunctionalUniformSampler final : public ClassUniformSampler {
 public:
  explicit FunctionalUniformSampler(const Options& options)
      : ClassUniformSampler(make_key(options.get_string("convention"))) {}

 private:
  static KeyFn make_key(const std::string& convention) {
    const bool non_affine = convention == "non-affine";
    return [non_affine](const CellArch& a) { return functional_reduction(a, non_affine).to_string(); };
  }
};

const OptionSpec kOptions[] = {
    string_option("convention", "affine",
        "affine: edges that cannot reach the output are irrelevant; non-affine: also edges fed only by zero nodes "
        "(exact when cell BN has no affine parameters)")
        .with_choices("affine|non-affine"),
};

SPBENCH_SAMPLER(FunctionalUniformSampler, "functional-uniform", "1.0.0",
                "uniform over functionally distinct paths under shared weights", kOptions)

}  // namespace spbench::plugins::functional_uniform
