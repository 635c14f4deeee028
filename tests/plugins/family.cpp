// A family of plugins in one library, from two sources (family.cpp and
// family_variant.cpp): a sampler and a strategy here, a variant there.
#include "broken_plugin_base.hpp"

namespace spbench::test_plugins::family {

class FamilyStrategy final : public SupernetStrategy {
 public:
  explicit FamilyStrategy(const Options&) {}
};

const OptionSpec kOptions[] = {{"level", OptionType::Int, "3", "an option, to see the schema travel"}};

SPBENCH_SAMPLER(NullSampler, "test-family-sampler", "0.1.0", "first of the family")
SPBENCH_STRATEGY(FamilyStrategy, "test-family-strategy", "0.2.0", "second of the family", kOptions)

}  // namespace spbench::test_plugins::family
