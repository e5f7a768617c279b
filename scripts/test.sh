#!/usr/bin/env bash
# Builds Kiln (through setup.sh) and runs every test suite: lit (FileCheck
# regression tests), gtest (C++ API), the embedding example, and pytest
# (end-to-end numerics and tool errors). The last line is the total:
# "N passed, N failed[, N skipped]".
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${KILN_BUILD_DIR:-$ROOT/build}"
PY=/usr/bin/python3

"$ROOT/scripts/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

RESULTS="$BUILD/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

echo "== lit"
/usr/lib/llvm-22/bin/lit -sv "$BUILD/test" --xunit-xml-output "$RESULTS/lit.xml"

echo "== gtest"
"$BUILD/bin/kiln-unit-tests" --gtest_brief=1 --gtest_output="xml:$RESULTS/gtest.xml"

echo "== embedding example"
"$PY" "$ROOT/scripts/run_as_junit.py" "$RESULTS/embed.xml" embed-example \
  "$BUILD/bin/kiln-embed-example" "$RESULTS/embed-example.so"

echo "== ONNX conformance (must-pass list)"
"$PY" "$ROOT/test/onnx/run_conformance.py" --jobs 2 \
  --check "$ROOT/test/onnx/expected_passing.txt" --junit "$RESULTS/onnx.xml" \
  --report "$BUILD/onnx-conformance-report.md" | tail -8

echo "== pytest"
PYTEST_DIRS=()
for d in e2e python models; do
  [ -d "$ROOT/test/$d" ] && PYTEST_DIRS+=("$ROOT/test/$d")
done
KILN_TOOLS_DIR="$BUILD/bin" KILN_PYTHON_PATH="$BUILD/python_packages" \
  "$PY" -m pytest -q "${PYTEST_DIRS[@]}" \
  --junitxml="$RESULTS/pytest.xml" -p no:cacheprovider

"$PY" "$ROOT/scripts/summarize_tests.py" "$RESULTS"
