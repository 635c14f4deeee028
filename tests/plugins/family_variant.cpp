// The family's second source: its variant.
#include <spbench/sdk/plugin.hpp>

namespace spbench::test_plugins::family {

class FamilyVariant final : public TrainingVariant {
 public:
  explicit FamilyVariant(const Options&) {}
};

SPBENCH_VARIANT(FamilyVariant, "test-family-variant", "0.3.0", "third of the family")

}  // namespace spbench::test_plugins::family
