#!/usr/bin/env bash
# The `spbench` executable runs the analysis commands (score, stats, table,
# report) without loading LibTorch and loads it, through libspbench-cli, for
# the others (apps/spbench/main.cpp says why). Checked with the dynamic loader's
# own trace (glibc's LD_DEBUG=files lists every object it maps, dlopen
# included), and the commands must still work.
#   torch-free-commands.sh SPBENCH_EXECUTABLE SCRATCH_DIR
set -euo pipefail
spbench=$1
work=$2
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

{
  echo "index,cifar10_test_acc"
  for i in $(seq 0 29); do echo "$i,$((50 + (i * 7) % 40)).5"; done
} > "$work/truth.csv"
{
  echo "index,prediction"
  for i in $(seq 0 29); do echo "$i,$(((i * 7) % 40 + (i % 3)))"; done
} > "$work/predictions.csv"

loaded() {  # prints the LibTorch objects the command maps
  LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -Eo 'file=[^ ]*lib(torch|c10)[^ ]*' | sort -u || true
}

ldd "$spbench" | grep -Eq 'lib(torch|c10)' && fail "$spbench links LibTorch directly"

score_torch=$(loaded "$spbench" score "$work/predictions.csv" --truth "$work/truth.csv" --bootstrap 50)
[[ -z $score_torch ]] || fail "spbench score loaded LibTorch: $score_torch"
"$spbench" score "$work/predictions.csv" --truth "$work/truth.csv" --bootstrap 50 --format json > "$work/score.json"
grep -q '"kendall_tau"' "$work/score.json" || fail "spbench score printed no kendall_tau: $(cat "$work/score.json")"

stats_torch=$(loaded "$spbench" stats --help)
[[ -z $stats_torch ]] || fail "spbench stats loaded LibTorch: $stats_torch"
table_torch=$(loaded "$spbench" table --help)
[[ -z $table_torch ]] || fail "spbench table loaded LibTorch: $table_torch"
report_torch=$(loaded "$spbench" report --help)
[[ -z $report_torch ]] || fail "spbench report loaded LibTorch: $report_torch"

# The other commands do load it, and --help still lists every command.
version_torch=$(loaded "$spbench" --version)
[[ -n $version_torch ]] || fail "spbench --version did not load LibTorch: the trace cannot see it, so the checks above prove nothing"
help=$("$spbench" --help)
for c in plugins validate run arch score merge matrix table stats report; do
  grep -Eq "^  $c( |$)" <<<"$help" || fail "spbench --help does not list $c"
done
"$spbench" --version | grep -q '^spbench ' || fail "spbench --version printed no version"
echo "ok: score, stats, table and report ran without LibTorch; --version loaded it"
