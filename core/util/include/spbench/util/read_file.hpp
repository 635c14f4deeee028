#pragma once
// Reading a whole small file (JSON documents, specs, logs) into a string.

#include <filesystem>
#include <string>

namespace spbench::util {

// The file's bytes; empty when it is missing or cannot be read (callers that
// must tell the two apart check existence first).
std::string read_text(const std::filesystem::path& file);

}  // namespace spbench::util
