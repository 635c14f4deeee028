# Sourced by scripts/gpu-check and scripts/gpu-bench: builds spbench against
# the PyTorch wheel's CUDA LibTorch into $build (SPBENCH_GPU_BUILD_DIR,
# default build-gpu), with the Debian packages of scripts/gpu-deps
# (.gpu-deps/) unpacked and put on the search paths when present. Leaves
# $build, $python and the exported library paths to the caller.
build=${SPBENCH_GPU_BUILD_DIR:-build-gpu}

prefix_path=""
if [[ -d .gpu-deps/debs ]]; then
  deps=/tmp/spbench-gpu-deps
  rm -rf "$deps" && mkdir -p "$deps"
  for deb in .gpu-deps/debs/*.deb; do dpkg-deb -x "$deb" "$deps"; done
  # Absolute links (libz.so -> /lib/…/libz.so.1.2.13) point outside the
  # unpacked tree: re-point them into it, or CMake falls back to libz.a.
  while IFS= read -r link; do
    target=$(readlink "$link")
    [[ $target == /* && -e $deps$target ]] && ln -sfn "$deps$target" "$link"
  done < <(find "$deps" -type l)
  prefix_path="$deps/usr;$deps/usr/lib/x86_64-linux-gnu/cmake;$deps/usr/share/cmake;$deps/usr/lib/cmake"
  export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu:$deps/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
  export CPATH="$deps/usr/include:${CPATH:-}"
  # Specs and tests read Fashion-MNIST from Debian's path.
  fmnist=/usr/share/datasets/fashion-mnist
  if [[ ! -e $fmnist && -d $deps$fmnist ]]; then
    mkdir -p "$(dirname "$fmnist")" && ln -s "$deps$fmnist" "$fmnist"
  fi
fi

python=${PYTHON:-python3}
torch_dir=$($python -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "share", "cmake", "Torch"))')
$python -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())'
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$torch_dir" \
  -DCMAKE_PREFIX_PATH="$prefix_path" -DSPBENCH_BUILD_BENCH=${SPBENCH_GPU_BENCH:-ON}
SECONDS=0
keep_going=()
[[ ${#generator[@]} -gt 0 ]] && keep_going=(-- -k 0)  # every compile error at once
cmake --build "$build" -j "$(nproc)" "${keep_going[@]}"
echo "gpu-build: build took ${SECONDS}s"
