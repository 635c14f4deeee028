#!/usr/bin/env bash
# The plugin SDK end to end, as a researcher would use it: install spbench
# into a fresh prefix, copy the plugin template out of the repository, build
# it against the prefix, run its own tests, and use its plugins with the
# installed `spbench` (listing, a spec with plugin_paths, a short run).
#
# sdk_test.sh BUILD_DIR TEMPLATE_DIR WORK_DIR BUILD_TYPE CMAKE CTEST [CMAKE_ARGS...]
set -euo pipefail

build=$1 template=$2 work=$3 build_type=$4 cmake=$5 ctest=$6
shift 6

prefix=$work/prefix
project=$work/my-plugins
plugins=$project/build/plugins
spbench=$prefix/bin/spbench

step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }
fail() { echo "sdk_test: FAILED: $*" >&2; exit 1; }
# expect TEXT PATTERN WHAT: fixed-string match, with the text shown on failure.
expect() {
  grep -qF -- "$2" <<<"$1" || { printf '%s\n' "$1" >&2; fail "$3: no '$2' in the output above"; }
}

# Only the folders this test names: a plugin folder from the caller's
# environment would change what is listed and could clash by name.
unset SPBENCH_PLUGIN_PATH

# A stable path (not mktemp) so that ccache hits across runs.
rm -rf "$work"
mkdir -p "$work"

step "install into $prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log"
for f in bin/spbench lib/libspbench-util.so lib/libspbench-sdk.so lib/libspbench-analysis.so lib/libspbench-engine.so lib/libspbench-study.so lib/spbench/plugins/spbench-uniform.so \
         lib/spbench/plugins/spbench-strict-fair.so include/spbench/sdk/plugin.hpp \
         include/spbench/sdk/testing/sampler_properties.hpp include/spbench/sdk/testing/catch.hpp lib/cmake/spbench/spbenchConfig.cmake \
         lib/cmake/spbench/spbenchConfigVersion.cmake lib/cmake/spbench/SpbenchPlugin.cmake \
         share/spbench/experiments/quickstart.yaml share/spbench/experiments/study/profiles/cpu-proxy.yaml; do
  [[ -e $prefix/$f ]] || fail "not installed: $f"
done
# Test-only libraries would make every installed spbench refuse to start a run.
if find "$prefix" -name '*wrong-api*' -o -name '*fixed-sampler*' -o -name 'spbench_tests' | grep -q .; then
  fail "test-only targets were installed"
fi

step "copy the template out of the repository and build it against the prefix"
cp -r "$template" "$project"
rm -rf "$project/build"  # in case someone built inside the template folder
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
"$cmake" -S "$project" -B "$project/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE="$build_type" \
  "${launcher[@]}" "$@"
"$cmake" --build "$project/build" -j2
[[ -f $plugins/spbench-op-biased.so && -f $plugins/spbench-flooding.so ]] || fail "plugins not in $plugins"

step "the template's own Catch2 test"
"$ctest" --test-dir "$project/build" --output-on-failure

step "spbench plugins, with SPBENCH_PLUGIN_PATH"
out=$(SPBENCH_PLUGIN_PATH=$plugins "$spbench" plugins 2>&1)
# The bundled plugins come from the installation's own plugin folder.
for name in uniform strict-fair one-shot op-biased flooding; do expect "$out" "  $name " "plugin list"; done
out=$(SPBENCH_PLUGIN_PATH=$plugins "$spbench" plugins op-biased 2>&1)
expect "$out" "from: $plugins/spbench-op-biased.so" "op-biased detail"
expect "$out" "favour" "op-biased detail"
expect "$out" "(string: none|skip_connect|nor_conv_1x1|nor_conv_3x3|avg_pool_3x3)" "op-biased detail"
expect "$out" "weight" "op-biased detail"
out=$("$spbench" plugins uniform 2>&1)
expect "$out" "from: $prefix/lib/spbench/plugins/spbench-uniform.so" "uniform detail"

step "spbench validate, loading the plugins through the spec's plugin_paths"
out=$("$spbench" validate "$project/example.yaml" 2>&1) || { echo "$out"; fail "validate"; }
expect "$out" "op-biased" "resolved spec"
# The plugin's own option check runs when a run makes the plugin, before any
# data is read; it is a spec error (status 2) pointing at where the option's
# value was written, here the --set override.
status=0
out=$("$spbench" run "$project/example.yaml" --out "$work/run-refused" --set sampler.options.weight=0 2>&1) ||
  status=$?
[ "$status" -eq 2 ] || { echo "$out"; fail "weight 0: exit status $status, expected 2"; }
expect "$out" "--set sampler.options.weight=0: error: sampler.options.weight: expected a number > 0, got '0'" "refused option"

step "spbench run, a few steps, with SPBENCH_PLUGIN_PATH and the spec's plugin_paths naming the same folder"
# The same library reached both ways is loaded once, not refused as a duplicate.
SPBENCH_PLUGIN_PATH=$plugins OMP_NUM_THREADS=2 "$spbench" run "$project/example.yaml" --out "$work/run" \
  --threads 2
status=$(cat "$work/run/status.json")
grep -Eq '"state": *"finished"' <<<"$status" || { echo "$status"; fail "run not finished"; }
expect "$(cat "$work/run/resolved-spec.yaml")" "op-biased" "resolved-spec.yaml"

step "spbench matrix: the template's sampler beside uniform and strict-fair (compare.yaml)"
out=$(cd "$project" && OMP_NUM_THREADS=1 "$spbench" matrix compare.yaml --out "$work/compare" --jobs 2 --threads 1 \
  --no-plots 2>&1) || { echo "$out"; fail "matrix compare.yaml"; }
expect "$out" "3 cells: 3 finished now" "matrix summary"
for row in "| sampler=uniform | 1 |" "| sampler=strict-fair | 1 |" "| sampler=op-biased | 1 |" "| *params (reference)* |"; do
  expect "$out" "$row" "ablation table"
done
# Every cell scored the same 8 ground-truth architectures with the same
# accuracies, and the cache shared them: the cell that ran last (2 jobs,
# 3 cells) trained none of its own.
[[ $(ls "$work/compare"/*/metrics.json | wc -l) -eq 3 ]] || fail "not 3 metrics.json files in $work/compare"
truths=$(for log in "$work/compare"/*/stdout.log; do
  grep -o 'stand-alone [0-9]/8: #[0-9]* [0-9.]*%' "$log" | md5sum; done | sort -u)
[[ $(wc -l <<<"$truths") -eq 1 ]] || fail "the cells saw different stand-alone ground truths"
max_cached=$(for log in "$work/compare"/*/stdout.log; do grep -c 'stand-alone [0-9]/8: .*(cached)' "$log" || true; done |
  sort -n | tail -1)
[[ $max_cached -eq 8 ]] || fail "no cell took all 8 stand-alone results from the cache"

wrong=$build/tests/broken-plugins/wrong-api-version.so
if [[ -f $wrong ]]; then
  step "a plugin built for another API version is refused, naming both versions"
  mkdir -p "$work/other-api" && cp "$wrong" "$work/other-api/"
  out=$(SPBENCH_PLUGIN_PATH=$work/other-api "$spbench" plugins 2>&1 || true)
  expect "$out" "built for plugin API version" "refusal"
  expect "$out" "needs API version" "refusal"
fi

step "done"
