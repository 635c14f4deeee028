// Sampler `unique-uniform`: uniform over NAS-Bench-201 isomorphism classes,
// so that classes with many isomorphic members are not trained more often.

#include "class_sampler.hpp"

namespace spbench::plugins::unique_uniform {

class UniqueUniformSampler final : public ClassUniformSampler {
 public:
  explicit UniqueUniformSampler(const Options& /*options*/) : ClassUniformSampler(&isomorphism_key) {}
};

SPBENCH_SAMPLER(UniqueUniformSampler, "unique-uniform", "1.0.0",
                "uniform over NAS-Bench-201 isomorphism classes, then over their members")

}  // namespace spbench::plugins::unique_uniform
