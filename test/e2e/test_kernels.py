"""Kernels compiled by the schedules (packing, register tiles, threads):
results against NumPy in float64, the same at every thread count, and the
thread-count settings' errors."""
import os
import re
import subprocess

import numpy as np
import pytest

from kiln_e2e import (OPT_LEVELS, assert_close, compile_mlir, func_text,
                      run_model, run_tool, tool, type_of)

rng = np.random.default_rng(7)


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def matmul_bias_relu(m, n, k):
    a, b, bias = randn(m, k), randn(k, n), randn(n)
    out_type = type_of(np.empty((m, n), np.float32))
    body = (f"%0 = kiln.matmul %a, %b : ({type_of(a)}, {type_of(b)}) -> {out_type}\n"
            f"%1 = kiln.add %0, %bias : ({out_type}, {type_of(bias)}) -> {out_type}\n"
            f"%2 = kiln.relu %1 : {out_type}")
    mlir = func_text([("a", type_of(a)), ("b", type_of(b)), ("bias", type_of(bias))],
                     [("y", out_type, "%2")], body)
    expected = np.maximum(a.astype(np.float64) @ b.astype(np.float64) + bias, 0)
    return mlir, {"a": a, "b": b, "bias": bias}, expected.astype(np.float32)


# Shapes that take each schedule: packed (rows >= 32), k blocked (k > 256),
# a matrix-vector product, rows not a multiple of 8, a single column block.
SHAPES = [(256, 256, 256), (64, 96, 520), (1, 768, 384), (12, 48, 40),
          (40, 16, 300)]


@pytest.mark.parametrize("opt", [o for o in OPT_LEVELS if o != "-O0"])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_matmul_epilogue(tmp_path, opt, shape):
    mlir, inputs, expected = matmul_bias_relu(*shape)
    so = compile_mlir(mlir, tmp_path, opt)
    out = run_model(so, inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-4 * np.sqrt(shape[2]))


def run_with_threads(so, inputs, tmp_path, threads):
    args = []
    for name, array in inputs.items():
        path = tmp_path / f"{name}.npy"
        np.save(path, array)
        args += ["--input", f"{name}={path}"]
    out = tmp_path / f"out{threads}"
    out.mkdir()
    run_tool("kiln-run", so, *args, "--output-dir", out, f"--threads={threads}")
    return np.load(out / "y.npy")


def test_same_result_on_any_thread_count(tmp_path):
    mlir, inputs, expected = matmul_bias_relu(128, 192, 320)
    so = compile_mlir(mlir, tmp_path)
    results = [run_with_threads(so, inputs, tmp_path, t) for t in (1, 2, 3)]
    # Each output element is computed by one thread in one order.
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])
    assert_close(results[0], expected, rtol=1e-4, atol=1e-3)


def test_environment_thread_count(tmp_path):
    mlir, inputs, expected = matmul_bias_relu(64, 64, 64)
    so = compile_mlir(mlir, tmp_path)
    np.save(tmp_path / "a.npy", inputs["a"])
    np.save(tmp_path / "b.npy", inputs["b"])
    np.save(tmp_path / "bias.npy", inputs["bias"])
    args = [tool("kiln-run"), str(so), "--input", f"a={tmp_path / 'a.npy'}",
            "--input", f"b={tmp_path / 'b.npy'}",
            "--input", f"bias={tmp_path / 'bias.npy'}",
            "--output-dir", str(tmp_path)]
    env = dict(os.environ, KILN_NUM_THREADS="2")
    proc = subprocess.run(args, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert_close(np.load(tmp_path / "y.npy"), expected, rtol=1e-4, atol=1e-4)

    env["KILN_NUM_THREADS"] = "many"
    proc = subprocess.run(args, capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "KILN_NUM_THREADS='many' is not a positive number of threads" in proc.stderr


@pytest.mark.parametrize("value", ["0", "-2", "x"])
def test_bad_threads_flag(tmp_path, value):
    mlir, _, _ = matmul_bias_relu(8, 16, 8)
    so = compile_mlir(mlir, tmp_path)
    proc = run_tool("kiln-run", so, f"--threads={value}", check=False)
    assert proc.returncode == 2
    assert f"--threads needs a positive count, got '{value}'" in proc.stderr


def candidate_count(mlir_path):
    proc = run_tool("kiln-opt", mlir_path, "--kiln-decompose",
                    "--convert-kiln-to-linalg", "--kiln-fuse",
                    "--kiln-select-schedules=list-candidates", check=False)
    assert proc.returncode == 0, proc.stderr
    return int(re.search(r"(\d+) candidate schedules", proc.stderr).group(1))


def test_every_sampled_candidate_computes_the_same(tmp_path):
    """The schedule space is legal: candidates spread over it compile (with
    kiln-compile --force-schedule) and give NumPy's result."""
    mlir, inputs, expected = matmul_bias_relu(48, 64, 96)
    src = tmp_path / "mm.mlir"
    src.write_text(mlir)
    count = candidate_count(src)
    assert count > 100
    for index in sorted({0, 1, count - 1, *range(7, count, count // 12)}):
        so = tmp_path / f"mm_{index}.so"
        run_tool("kiln-compile", src, "-o", so, f"--force-schedule={index}")
        out = run_model(so, inputs, tmp_path, tag=f"c{index}")["y"]
        assert_close(out, expected, rtol=1e-4, atol=1e-3)


def conv_relu(n, c, f, size, stride, pad):
    """relu(conv2d(x, w)) in kiln IR, its inputs and its float64 result."""
    x, w = randn(n, c, size, size), randn(f, c, 3, 3)
    out = (size + 2 * pad - 3) // stride + 1
    out_type = type_of(np.empty((n, f, out, out), np.float32))
    body = (f"%0 = kiln.conv2d %x, %w {{pads = array<i64: {pad}, {pad}, {pad}, {pad}>, "
            f"strides = array<i64: {stride}, {stride}>}} : ({type_of(x)}, {type_of(w)}) -> {out_type}\n"
            f"%1 = kiln.relu %0 : {out_type}")
    mlir = func_text([("x", type_of(x)), ("w", type_of(w))], [("y", out_type, "%1")], body)
    padded = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :out, :out]
    expected = np.einsum("ncyxij,fcij->nfyx", windows, w.astype(np.float64))
    return mlir, {"x": x, "w": w}, np.maximum(expected, 0).astype(np.float32)


def test_every_sampled_conv_schedule_computes_the_same(tmp_path):
    """Convolutions (window contractions) under schedules spread over their
    space: register tiles, row and filter tiles, channel blocks, threads."""
    mlir, inputs, expected = conv_relu(2, 16, 32, 16, 2, 1)
    src = tmp_path / "conv.mlir"
    src.write_text(mlir)
    # kiln-opt's passes default to 16 lanes; the compile must lay out the
    # same panels on any host.
    proc = run_tool("kiln-opt", src, "--convert-kiln-to-linalg",
                    "--kiln-conv-to-im2col=vector-width=16", "--kiln-fuse",
                    "--kiln-select-schedules=list-candidates vector-width=16",
                    check=False)
    assert proc.returncode == 0, proc.stderr
    candidates = re.findall(r"#kiln_kernel\.schedule<conv, [^>]*>", proc.stderr)
    assert len(candidates) > 100
    for index in sorted({0, len(candidates) - 1,
                         *range(5, len(candidates), len(candidates) // 10)}):
        so = tmp_path / f"conv_{index}.so"
        run_tool("kiln-compile", src, "-o", so, "--vector-width=16",
                 f"--force-schedule={candidates[index]}")
        out = run_model(so, inputs, tmp_path, tag=f"c{index}")["y"]
        assert_close(out, expected, rtol=1e-4, atol=1e-3)


def test_forced_schedule_errors(tmp_path):
    mlir, _, _ = matmul_bias_relu(48, 64, 96)
    src = tmp_path / "mm.mlir"
    src.write_text(mlir)
    proc = run_tool("kiln-compile", src, "-o", tmp_path / "x.so",
                    "--force-schedule=100000", check=False)
    assert proc.returncode == 1
    assert "force=100000 but this dispatch has" in proc.stderr
    proc = run_tool("kiln-compile", src, "-o", tmp_path / "x.so",
                    "--force-schedule=#kiln_kernel.schedule<contraction, "
                    "tiles = [5, 64, 0], vector = [1, 16, 1]>", check=False)
    assert proc.returncode == 1
    assert "schedule's level-1 tile 5 does not divide loop 0 of extent 48" \
        in proc.stderr
    proc = run_tool("kiln-compile", src, "-o", tmp_path / "x.so",
                    "--force-schedule=fastest", check=False)
    assert proc.returncode == 1
    assert "is neither a candidate index nor a #kiln_kernel.schedule" in proc.stderr
