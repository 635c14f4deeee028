#pragma once
// The spec printer's name for util::yaml_double_quoted (spbench/util/yaml_quoting.hpp).

#include "spbench/util/yaml_quoting.hpp"

namespace spbench::spec_text {
using util::yaml_double_quoted;
}  // namespace spbench::spec_text
