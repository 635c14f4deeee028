#pragma once
// Part of the plugin SDK; defined in the torch-free space layer
// (core/space), which the analysis tools use without loading LibTorch.
#include "spbench/space/cell_architecture.hpp"
