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

echo "== pytest"
KILN_TOOLS_DIR="$BUILD/bin" "$PY" -m pytest -q "$ROOT/test/e2e" \
  --junitxml="$RESULTS/pytest.xml" -p no:cacheprovider

"$PY" "$ROOT/scripts/summarize_tests.py" "$RESULTS"
