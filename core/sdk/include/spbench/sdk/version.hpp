#pragma once
// Versions of the project and of the plugin ABI.
//
// kPluginApiVersion is bumped whenever a change to any header a plugin includes
// (the interfaces, PluginDescriptor, Options, the context structs) would make a
// plugin compiled against the old headers misbehave. The loader refuses any
// plugin whose descriptor reports another value. Rules: docs/plugin-abi.md.

#include <cstdint>

namespace spbench {

inline constexpr const char* kProjectVersion = "0.1.0";
inline constexpr std::uint32_t kPluginApiVersion = 3;

// Checked by the loader before it trusts anything else in a descriptor.
inline constexpr std::uint32_t kPluginMagic = 0x53504250;  // "SPBP"

}  // namespace spbench
