#pragma once
// Quoting for a POSIX shell (std::system, popen, job scripts, log headers).

#include <string>
#include <string_view>

namespace spbench::util {

// `text` in single quotes, each ' written as '\'': the shell reads it back as
// exactly `text`, whatever it holds.
std::string shell_quote(std::string_view text);

}  // namespace spbench::util
