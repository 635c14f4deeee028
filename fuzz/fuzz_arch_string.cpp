// Architecture strings as users type them (spec lists, `spbench arch`,
// tables): parse must either throw ArchParseError or give an architecture
// whose string form parses back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "spbench/sdk/cell_architecture.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  spbench::CellArch arch;
  try {
    arch = spbench::CellArch::parse(text);
  } catch (const spbench::ArchParseError& e) {
    if (e.position() > size) std::abort();  // the error must point into the input
    return 0;
  }
  if (spbench::CellArch::parse(arch.to_string()) != arch) std::abort();
  if (spbench::CellArch::from_code(arch.code()) != arch) std::abort();
  if (spbench::nb201_arch(spbench::nb201_index(arch)) != arch) std::abort();
  (void)spbench::isomorphism_key(arch);
  (void)spbench::functional_reduction(arch, true);
  (void)spbench::functional_reduction(arch, false);
  return 0;
}
