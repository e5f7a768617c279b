#!/usr/bin/python3
"""Writes docs/onnx-conformance.md from a conformance report: the totals and,
per ONNX operator, how many of the node tests that use it pass.

    coverage_table.py [REPORT] [DATA_DIR] [OUTPUT]
"""
import collections
import pathlib
import re
import sys

import onnx

ROOT = pathlib.Path(__file__).resolve().parents[2]
report = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build/onnx-conformance-report.md")
data = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "build/onnx-node-tests")
output = pathlib.Path(sys.argv[3] if len(sys.argv) > 3 else ROOT / "docs/onnx-conformance.md")

results = {}
for line in report.read_text().splitlines():
    m = re.match(r"\| (test_\S+) \| ([a-z ]+) \|", line)
    if m:
        results[m.group(1)] = m.group(2)
categories = collections.Counter(results.values())

per_op = collections.defaultdict(lambda: [0, 0])
for name, category in results.items():
    if name.endswith("_expanded"):
        continue  # the same operator written out as a function body
    model = data / "node" / name / "model.onnx"
    try:
        ops = {n.op_type for n in onnx.load(str(model)).graph.node}
    except Exception:
        continue
    for op in ops:
        per_op[op][0] += 1
        per_op[op][1] += category == "passed"

total = len(results)
lines = [
    "# ONNX backend conformance",
    "",
    "ONNX's own backend node tests (onnx 1.12 from Debian, `backend-test-tools "
    "generate-data`), each imported, compiled and run through Kiln and compared "
    "with the expected outputs (rtol 1e-3, atol 1e-5; exact for integers and "
    "booleans). Regenerate with:",
    "",
    "```sh",
    "/usr/bin/python3 test/onnx/run_conformance.py   # last line: onnx-conformance: P passed of T",
    "/usr/bin/python3 test/onnx/coverage_table.py    # rewrites this file",
    "```",
    "",
    f"**{categories['passed']} passed of {total} "
    f"({100 * categories['passed'] / total:.1f}%)**",
    "",
    "| result | tests |",
    "| --- | --- |",
]
for c in ["passed", "import error", "compile error", "wrong result", "crash"]:
    lines.append(f"| {c} | {categories[c]} |")
lines += [
    "",
    "Inputs that Kiln needs at compile time (shapes, axes, pads, slice bounds, "
    "resize scales: `CONSTANT_INPUTS` in `run_conformance.py`) are bound as "
    "initializers with the test's data, as ahead-of-time compilers do. "
    "`test/onnx/expected_passing.txt` lists the tests `scripts/test.sh` "
    "requires to pass. The full per-test report, with every error message, is "
    "written to `build/onnx-conformance-report.md`.",
    "",
    "## Per operator (non-expanded tests that use it)",
    "",
    "| operator | passed | tests |",
    "| --- | --- | --- |",
]
for op in sorted(per_op):
    tests, passed = per_op[op]
    lines.append(f"| {op} | {passed} | {tests} |")
output.write_text("\n".join(lines) + "\n")
print(f"wrote {output}")
