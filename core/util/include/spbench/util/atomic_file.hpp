#pragma once
// Writing files so that a crash never leaves a half-written one: the content
// goes to a temporary file in the same folder, is flushed to disk (fsync),
// and is renamed over the target (atomic on POSIX file systems); the folder
// is synced too so the rename itself survives a power loss.

#include <filesystem>
#include <string>
#include <string_view>

namespace spbench {

void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// A writer killed between creating its temporary (".NAME.tmp-PID" beside
// the target) and the rename leaves it behind; the target itself is intact.
// Removes, in `dir`, the temporaries whose writer no longer runs (of the
// file named `target` only, when given); a live writer's are left alone.
// Every write_file_atomic does this for its own target; a resumed run does
// it for its whole folder.
void remove_stale_temporaries(const std::filesystem::path& dir, const std::string& target = "");

}  // namespace spbench
