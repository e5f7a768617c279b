#!/usr/bin/python3
"""ONNX backend conformance for Kiln.

Generates ONNX's own backend node tests with Debian's onnx, then imports,
compiles and runs each through Kiln and compares with the expected outputs.
Every test lands in one category: passed, import error, compile error, wrong
result (including run-time errors) or crash (the worker process died). Tests
run in worker processes, so a crash costs one test, not the run.

    run_conformance.py [--data DIR] [--report FILE] [--only NAMES_FILE]
                       [--check EXPECTED_FILE] [--jobs N] [TEST_NAME ...]

The last line printed is exactly `onnx-conformance: P passed of T`. With
--check, the exit status is non-zero if a test listed in EXPECTED_FILE did
not pass.

Inputs that ONNX passes as tensors but that Kiln needs at compile time
(shapes, axes, pads, slice bounds: the positions in CONSTANT_INPUTS) are
bound as initializers with the test's data before import, as other
ahead-of-time compilers do.
"""
import argparse
import collections
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT / "build" / "onnx-node-tests"

# (op_type, input index) pairs that must be compile-time constants in Kiln.
CONSTANT_INPUTS = {
    ("Reshape", 1), ("Expand", 1), ("Tile", 1), ("ConstantOfShape", 0),
    ("Slice", 1), ("Slice", 2), ("Slice", 3), ("Slice", 4),
    ("Pad", 1), ("Pad", 2), ("Pad", 3),
    ("Squeeze", 1), ("Unsqueeze", 1),
    ("ReduceSum", 1), ("ReduceMean", 1), ("ReduceMax", 1), ("ReduceMin", 1),
    ("ReduceProd", 1), ("ReduceL1", 1), ("ReduceL2", 1), ("ReduceSumSquare", 1),
    ("ReduceLogSum", 1), ("ReduceLogSumExp", 1),
    ("Clip", 1), ("Clip", 2), ("Range", 0), ("Range", 1), ("Range", 2),
    ("Resize", 1), ("Resize", 2), ("Resize", 3), ("Upsample", 1),
    ("OneHot", 1), ("OneHot", 2), ("Split", 1), ("Trilu", 1), ("CumSum", 1), ("Dropout", 1), ("Dropout", 2),
}


def generate(data_dir):
    """Writes ONNX's node tests into data_dir (once)."""
    marker = data_dir / ".generated"
    if marker.exists():
        return
    # onnx 1.12's generators use aliases that numpy removed.
    script = (
        "import numpy as np\n"
        "for a, t in (('float', float), ('int', int), ('bool', bool), ('object', object)):\n"
        "    setattr(np, a, t)\n"
        "import sys\n"
        "from onnx.backend.test import cmd_tools\n"
        f"sys.argv = ['backend-test-tools', 'generate-data', '-o', {str(data_dir)!r}]\n"
        "cmd_tools.main()\n")
    subprocess.run([sys.executable, "-c", script], check=True,
                   stdout=subprocess.DEVNULL)
    marker.touch()


def load_case(case_dir):
    """The model and the first data set of a node test."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(case_dir / "model.onnx"))
    data_dir = case_dir / "test_data_set_0"
    def read(prefix):
        tensors = []
        for path in sorted(data_dir.glob(f"{prefix}_*.pb"),
                           key=lambda p: int(p.stem.split("_")[1])):
            proto = onnx.TensorProto()
            proto.ParseFromString(path.read_bytes())
            tensors.append(numpy_helper.to_array(proto))
        return tensors
    return model, read("input"), read("output")


def bind_constant_inputs(model, inputs):
    """Moves inputs at CONSTANT_INPUTS positions into initializers; returns
    the remaining inputs in graph order."""
    from onnx import numpy_helper

    graph = model.graph
    names = [i.name for i in graph.input]
    constant = set()
    for node in graph.node:
        for index, name in enumerate(node.input):
            if (node.op_type, index) in CONSTANT_INPUTS and name in names:
                constant.add(name)
    remaining = []
    kept = []
    for info, value in zip(list(graph.input), inputs):
        if info.name in constant:
            graph.initializer.append(numpy_helper.from_array(value, info.name))
        else:
            kept.append(info)
            remaining.append(value)
    del graph.input[:]
    graph.input.extend(kept)
    return remaining


def run_case(case_dir):
    """Runs one test in this process; returns (category, detail)."""
    import numpy as np
    import kiln

    try:
        model, inputs, expected = load_case(case_dir)
    except Exception as e:  # sequences, maps, optionals
        return "import error", f"unsupported test data: {e}"
    inputs = bind_constant_inputs(model, inputs)
    try:
        text = kiln.import_onnx(model)
    except kiln.Error as e:
        return "import error", str(e)
    try:
        compiled = kiln.compile(text)
    except kiln.Error as e:
        return "compile error", str(e)
    try:
        outputs = compiled.run(*inputs)
    except kiln.Error as e:
        return "wrong result", f"run failed: {e}"
    if len(outputs) != len(expected):
        return "wrong result", f"{len(outputs)} outputs, expected {len(expected)}"
    for i, (got, want) in enumerate(zip(outputs, expected)):
        if got.shape != want.shape:
            return "wrong result", f"output {i}: shape {got.shape}, expected {want.shape}"
        if got.dtype != want.dtype:
            return "wrong result", f"output {i}: dtype {got.dtype}, expected {want.dtype}"
        try:
            if want.dtype.kind in "fc":
                np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-5)
            else:
                np.testing.assert_array_equal(got, want)
        except AssertionError as e:
            return "wrong result", f"output {i}: " + " ".join(str(e).split())[:300]
    return "passed", ""


def worker():
    """Reads test directories from stdin, writes one JSON result per line."""
    for line in sys.stdin:
        category, detail = run_case(pathlib.Path(line.strip()))
        sys.stdout.write(json.dumps([category, detail]) + "\n")
        sys.stdout.flush()


class Worker:
    def __init__(self):
        env = dict(os.environ)
        env.setdefault("KILN_PYTHON_PATH", str(ROOT / "build" / "python_packages"))
        env["PYTHONPATH"] = env["KILN_PYTHON_PATH"] + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)

    def run(self, case_dir):
        try:
            self.proc.stdin.write(str(case_dir) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            code = self.proc.wait()
            self.__init__()
            return "crash", f"the worker process died (exit {code})"
        return tuple(json.loads(line))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA)
    parser.add_argument("--report", type=pathlib.Path,
                        default=ROOT / "build" / "onnx-conformance-report.md")
    parser.add_argument("--only", type=pathlib.Path,
                        help="run only the tests listed in this file")
    parser.add_argument("--check", type=pathlib.Path,
                        help="fail if a test listed in this file does not pass")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--junit", type=pathlib.Path,
                        help="write the --check tests as JUnit XML")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("tests", nargs="*")
    args = parser.parse_args()
    if args.worker:
        return worker()

    generate(args.data)
    cases = sorted(p for p in (args.data / "node").iterdir() if p.is_dir())
    wanted = set(args.tests)
    if args.only:
        wanted |= {l.strip() for l in args.only.read_text().splitlines()
                   if l.strip() and not l.startswith("#")}
    if wanted:
        cases = [c for c in cases if c.name in wanted]

    import threading
    results = {}
    queue = list(cases)
    lock = threading.Lock()
    def drain():
        w = Worker()
        while True:
            with lock:
                if not queue:
                    break
                case = queue.pop()
            results[case.name] = w.run(case)
        w.proc.stdin.close()
        w.proc.wait()
    start = time.time()
    threads = [threading.Thread(target=drain) for _ in range(max(1, args.jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    counts = collections.Counter(category for category, _ in results.values())
    total = len(results)
    passed = counts["passed"]
    lines = ["# ONNX backend node tests through Kiln", "",
             f"{passed} passed of {total} ({100.0 * passed / max(total, 1):.1f}%) "
             f"in {time.time() - start:.0f} s", "",
             "| category | tests |", "| --- | --- |"]
    for category in ["passed", "import error", "compile error", "wrong result", "crash"]:
        lines.append(f"| {category} | {counts[category]} |")
    lines += ["", "| test | result | detail |", "| --- | --- | --- |"]
    for name in sorted(results):
        category, detail = results[name]
        detail = " ".join(detail.split()).replace("|", "\\|")[:240]
        lines.append(f"| {name} | {category} | {detail} |")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines) + "\n")
    for category in ["import error", "compile error", "wrong result", "crash"]:
        print(f"{category}: {counts[category]}")
    print(f"report: {args.report}")

    status = 0
    if args.check:
        expected = [l.strip() for l in args.check.read_text().splitlines()
                    if l.strip() and not l.startswith("#")]
        regressions = [n for n in expected if results.get(n, ("missing",))[0] != "passed"]
        for name in regressions:
            print(f"REGRESSION {name}: {results.get(name, ('missing', ''))}")
        status = 1 if regressions else 0
        if args.junit:
            from xml.sax.saxutils import escape, quoteattr
            cases = []
            for name in expected:
                category, detail = results.get(name, ("missing", "not run"))
                failure = ("" if category == "passed" else
                           f"<failure message={quoteattr(category)}>{escape(detail)}</failure>")
                cases.append(f'<testcase classname="onnx" name="{name}">{failure}</testcase>')
            args.junit.write_text('<testsuite name="onnx-conformance">'
                                  + "".join(cases) + "</testsuite>\n")
    print(f"onnx-conformance: {passed} passed of {total}")
    return status


if __name__ == "__main__":
    sys.exit(main())
