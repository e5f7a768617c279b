"""Helpers for Kiln's end-to-end tests: write MLIR, compile it with
kiln-compile, run it with kiln-run on .npy inputs, and load the outputs.

The tools come from $KILN_TOOLS_DIR (default /work/main/build/bin).
"""
import os
import subprocess
from pathlib import Path

import numpy as np

TOOLS_DIR = Path(os.environ.get("KILN_TOOLS_DIR", "/work/main/build/bin"))
OPT_LEVELS = ["-O0", "-O1", "-O2", "-O3"]

_ELEMENT_TYPES = {
    np.dtype(np.float32): "f32",
    np.dtype(np.float64): "f64",
    np.dtype(np.float16): "f16",
    np.dtype(np.bool_): "i1",
    np.dtype(np.int8): "i8",
    np.dtype(np.int16): "i16",
    np.dtype(np.int32): "i32",
    np.dtype(np.int64): "i64",
}


def tool(name):
    return str(TOOLS_DIR / name)


def element_type(dtype):
    return _ELEMENT_TYPES[np.dtype(dtype)]


def tensor_type(shape, dtype=np.float32):
    """`tensor<4x?x8xf32>`; None in `shape` is a dynamic dimension."""
    dims = "".join(("?" if d is None else str(d)) + "x" for d in shape)
    return f"tensor<{dims}{element_type(dtype)}>"


def type_of(array):
    return tensor_type(array.shape, array.dtype)


class ToolError(Exception):
    def __init__(self, what, proc):
        super().__init__(f"{what} failed (exit {proc.returncode}):\n"
                         f"{proc.stdout}{proc.stderr}")
        self.proc = proc


def run_tool(name, *args, check=True, timeout=120):
    proc = subprocess.run([tool(name), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise ToolError(name, proc)
    return proc


def compile_mlir(mlir, workdir, opt="-O3", name="model"):
    """Writes `mlir` to workdir/name.mlir and compiles it to name.so."""
    workdir = Path(workdir)
    src = workdir / f"{name}.mlir"
    src.write_text(mlir)
    so = workdir / f"{name}.so"
    run_tool("kiln-compile", src, "-o", so, opt)
    return so


def run_model(so, inputs, workdir, tag="run"):
    """Runs a compiled model on {name: array}; returns {output name: array}."""
    workdir = Path(workdir)
    args = []
    for name, array in inputs.items():
        path = workdir / f"{tag}_in_{name}.npy"
        np.save(path, np.array(array, order="C"))
        args += ["--input", f"{name}={path}"]
    outdir = workdir / f"{tag}_out"
    outdir.mkdir(exist_ok=True)
    run_tool("kiln-run", so, *args, "--output-dir", outdir)
    return {p.stem: np.load(p) for p in sorted(outdir.glob("*.npy"))}


def func_text(args, results, body, name="main"):
    """A func.func with named arguments and results.

    args: [(name, type)]; results: [(name, type, value)]; body: op lines
    that define the result values from %<arg name>.
    """
    params = ", ".join(f'%{n}: {t} {{kiln.name = "{n}"}}' for n, t in args)
    rtypes = ", ".join(f'{t} {{kiln.name = "{n}"}}' for n, t, _ in results)
    lines = [f"func.func @{name}({params}) -> ({rtypes}) {{"]
    lines += ["  " + line for line in body.strip().splitlines()]
    lines.append("  return " + ", ".join(v for _, _, v in results) + " : " +
                 ", ".join(t for _, t, _ in results))
    lines.append("}")
    return "\n".join(lines) + "\n"


def run_func(workdir, opt, inputs, body, results):
    """Compiles a function of `inputs` ({name: array}) whose `body` defines
    `results` ([(name, type, value)]) and runs it on the same inputs."""
    mlir = func_text([(n, type_of(a)) for n, a in inputs.items()], results,
                     body)
    so = compile_mlir(mlir, workdir, opt)
    return run_model(so, inputs, workdir)


def run_op(workdir, opt, inputs, op, result_type):
    """Runs one op: `op` is its text from `=` on, e.g.
    "kiln.add %a, %b : (...) -> ..."; returns its result."""
    out = run_func(workdir, opt, inputs, f"%r = {op}",
                   [("out", result_type, "%r")])
    return out["out"]


def assert_close(actual, expected, rtol=1e-5, atol=1e-6):
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    if expected.dtype.kind in "biu":
        np.testing.assert_array_equal(actual, expected)
    else:
        np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
