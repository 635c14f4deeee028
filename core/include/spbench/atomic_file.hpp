#pragma once
// Writing files so that a crash never leaves a half-written one: the content
// goes to a temporary file in the same folder, is flushed to disk (fsync),
// and is renamed over the target (atomic on POSIX file systems); the folder
// is synced too so the rename itself survives a power loss.

#include <filesystem>
#include <functional>
#include <string_view>

namespace spbench {

void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// For writers that need a path (e.g. torch::save): `write` fills the
// temporary file it is given; it is then synced and renamed over `path`.
void write_file_atomic_with(const std::filesystem::path& path,
                            const std::function<void(const std::filesystem::path& temporary)>& write);

}  // namespace spbench
