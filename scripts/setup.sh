#!/usr/bin/env bash
# Installs Kiln's Debian packages (only those missing) and builds Kiln into
# build/. Safe to run again: it is fast when everything is in place.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${KILN_BUILD_DIR:-$ROOT/build}"
LLVM=/usr/lib/llvm-22

PACKAGES=(
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  libomp-22-dev cmake ninja-build ccache libgtest-dev
  python3-numpy python3-pytest python3-dev pybind11-dev python3-pybind11
  libonnx-dev libprotobuf-dev python3-onnx python3-torch python3-torchvision
  libxgboost-dev python3-xgboost zlib1g-dev python3-matplotlib
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$LLVM/bin/clang" \
    -DCMAKE_CXX_COMPILER="$LLVM/bin/clang++" \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DMLIR_DIR="$LLVM/lib/cmake/mlir" \
    -DLLVM_EXTERNAL_LIT="$LLVM/bin/lit"
fi
ninja -C "$BUILD"

# Make `import kiln` work from /usr/bin/python3 (the package is assembled in
# the build tree); skipped when site-packages is not writable.
PTH=/usr/local/lib/python3.11/dist-packages/kiln.pth
if [ -w "$(dirname "$PTH")" ] && [ "$(cat "$PTH" 2>/dev/null)" != "$BUILD/python_packages" ]; then
  echo "$BUILD/python_packages" > "$PTH"
fi
