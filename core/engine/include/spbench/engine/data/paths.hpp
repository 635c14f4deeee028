#pragma once
// Where data files live. Specs name data folders relative to a data root so
// that the same experiment file works on every machine.

#include <filesystem>
#include <string>

namespace spbench::data {

// The environment variable that sets the data root when --data-root is absent.
inline constexpr const char* kDataRootEnv = "SPBENCH_DATA_ROOT";

// The --data-root value when non-empty, else $SPBENCH_DATA_ROOT when set and
// non-empty, else ../shared/data relative to the current working directory
// (or, when that folder does not exist, beside the source tree spbench was built from)
// (the layout of the project checkout). Returned absolute and normalised so
// that error messages show where the program really looked.
std::filesystem::path resolve_data_root(const std::string& cli_value = {});

// Absolute paths as they are; relative ones below `root`.
std::filesystem::path resolve_data_path(const std::filesystem::path& path,
                                        const std::filesystem::path& root);

}  // namespace spbench::data
