// A library built the API-1 way, written out by hand: its entry point returns
// a single descriptor (whose first fields are the magic and API version 1)
// instead of a list. The loader must refuse it by its API version.
#include <boost/dll/alias.hpp>

#include <cstdint>

namespace spbench::test_plugins::api_v1 {
struct Api1DescriptorStart {
  std::uint32_t magic;
  std::uint32_t api_version;
};
const void* entry() {
  static const Api1DescriptorStart d{0x53504250, 1};
  return &d;
}
}  // namespace spbench::test_plugins::api_v1

BOOST_DLL_ALIAS(spbench::test_plugins::api_v1::entry, spbench_plugin)
