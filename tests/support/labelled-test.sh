#!/usr/bin/env bash
# The gate of CTest's labelled tests (slurm, sdk, reliability): they need root
# and install packages, build a project or take minutes, so plain `ctest`
# stays hermetic and reports them as skipped. SPBENCH_TEST_LABELS=all, or a
# comma-separated list of labels, runs them; scripts/run-tests sets "all".
#
#   tests/support/labelled-test.sh LABEL COMMAND [ARG…]
#
# The marker line below is what tests/CMakeLists.txt's
# SKIP_REGULAR_EXPRESSION turns into "Skipped" (support/skip.hpp prints the
# same one from C++).
set -euo pipefail
label=${1:?usage: labelled-test.sh LABEL COMMAND [ARG...]}
shift
case ",${SPBENCH_TEST_LABELS:-}," in
  *,all,* | *,"$label",*) exec "$@" ;;
esac
echo "SPBENCH-TEST-SKIPPED: label '$label' is off in plain ctest; run it with SPBENCH_TEST_LABELS=$label (or all), as scripts/run-tests does"
