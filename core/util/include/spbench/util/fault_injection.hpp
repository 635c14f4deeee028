#pragma once
// Deterministic crash points for the reliability tests (docs/reliability.md).
//
// SPBENCH_FAULT=<point>[:<n>] makes the process kill itself with SIGKILL the
// n-th time (default 1) it reaches the named point, so that a test can
// interrupt a run at an exact moment instead of polling its files and
// killing it from outside (which depends on timing). Unset, a point costs one
// load of a cached flag. Each process counts its own passes: the variable is
// inherited by the cells of a matrix, which die at their own points.
//
// Points (kFaultPoints): checkpoint-written (after the checkpoint's rename,
// before the epoch log is rewritten), evaluation (after the n-th scoring run
// of an evaluation), atomic-write (inside write_file_atomic, after the
// temporary is complete and before the rename), matrix-cell (in a local
// matrix, right after the n-th cell has been started).

#include <string_view>

namespace spbench {

inline constexpr std::string_view kFaultPoints[] = {"checkpoint-written", "evaluation", "atomic-write",
                                                    "matrix-cell"};

// Dies with SIGKILL when SPBENCH_FAULT names `point` and this is its n-th
// pass; returns otherwise. A malformed value or an unknown point is reported
// once on stderr and ignored (the test that set it then fails on its own).
void fault_point(std::string_view point);

}  // namespace spbench
