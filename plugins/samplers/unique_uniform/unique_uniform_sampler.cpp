// Sampler `unique-uniform`: uniform over NAS-Bench-201 isomorphism classes,
// so that classes with many isomorphic members are not trained more often.

#include "class_sampler.hpp"

namespace spbench::plugins::unique_uniform {

class UniqueUniformSampler final : public ClassUniformSampler {
 public:
  explicit UniqueUniformSampler(const Options& /*options*/) : ClassUniformSampler(&isomorphism_key) {}
};

const PluginDescriptor* entry() {
  static const PluginDescriptor descriptor = make_plugin_descriptor<UniqueUniformSampler>(
      "unique-uniform", "1.0.0", "uniform over NAS-Bench-201 isomorphism classes, then over their members");
  return &descriptor;
}

}  // namespace spbench::plugins::unique_uniform

SPBENCH_PLUGIN(spbench::plugins::unique_uniform::entry)
