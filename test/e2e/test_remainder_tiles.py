"""Register tiles that do not divide their loops: a peeled remainder tile
per loop (static extents) and a dynamic remainder (dynamic batch). Results
against NumPy in float64 at odd sizes (1, 7, 23, 47, 97), and the schedules
chosen for them keep whole register tiles instead of single elements."""
import re

import numpy as np
import pytest

from kiln_e2e import (assert_close, compile_mlir, func_text, run_model,
                      run_tool, tensor_type, type_of)

rng = np.random.default_rng(11)


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def matmul_relu(m, n, k, dynamic_rows=False):
    a, b = randn(m, k), randn(k, n)
    a_type = tensor_type((None if dynamic_rows else m, k))
    out_type = tensor_type((None if dynamic_rows else m, n))
    body = (f"%0 = kiln.matmul %a, %b : ({a_type}, {type_of(b)}) -> {out_type}\n"
            f"%1 = kiln.relu %0 : {out_type}")
    mlir = func_text([("a", a_type), ("b", type_of(b))], [("y", out_type, "%1")],
                     body)
    expected = np.maximum(a.astype(np.float64) @ b.astype(np.float64), 0)
    return mlir, {"a": a, "b": b}, expected.astype(np.float32)


def conv_relu(n, c, f, size, dynamic_batch=False):
    """relu(conv2d(x, w, pads 1)) with 3x3 filters: output rows of `size`."""
    x, w = randn(n, c, size, size), randn(f, c, 3, 3)
    x_type = tensor_type((None if dynamic_batch else n, c, size, size))
    out_type = tensor_type((None if dynamic_batch else n, f, size, size))
    body = (f"%0 = kiln.conv2d %x, %w {{pads = array<i64: 1, 1, 1, 1>}} : "
            f"({x_type}, {type_of(w)}) -> {out_type}\n"
            f"%1 = kiln.relu %0 : {out_type}")
    mlir = func_text([("x", x_type), ("w", type_of(w))], [("y", out_type, "%1")],
                     body)
    padded = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    expected = np.einsum("ncyxij,fcij->nfyx", windows, w.astype(np.float64))
    return mlir, {"x": x, "w": w}, np.maximum(expected, 0).astype(np.float32)


def chosen_schedules(mlir, tmp_path):
    """The hand-written heuristic's schedules (the learned model's choice
    among them is measured in bench/cost_model.py, not asserted here)."""
    src = tmp_path / "schedules.mlir"
    src.write_text(mlir)
    proc = run_tool("kiln-opt", src, "--convert-kiln-to-linalg",
                    "--canonicalize", "--kiln-conv-to-im2col", "--kiln-fuse",
                    "--kiln-select-schedules=cost-model=heuristic")
    return re.findall(r"schedule <(\w+), tiles = \[([\d, ]+)\], "
                      r"vector = \[([\d, ]+)\]", proc.stdout)


def sizes(text):
    return [int(s) for s in text.split(", ")]


ODD = [1, 7, 23, 47, 97]


@pytest.mark.parametrize("opt", ["-O1", "-O3"])
@pytest.mark.parametrize("m", ODD)
@pytest.mark.parametrize("n", [7, 24, 97])
def test_matmul_odd_sizes(tmp_path, opt, m, n):
    mlir, inputs, expected = matmul_relu(m, n, 23)
    out = run_model(compile_mlir(mlir, tmp_path, opt), inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("size", ODD)
@pytest.mark.parametrize("channels", [(3, 24), (16, 40)])
def test_conv_odd_sizes(tmp_path, size, channels):
    c, f = channels
    mlir, inputs, expected = conv_relu(2, c, f, size)
    out = run_model(compile_mlir(mlir, tmp_path), inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("batch", [1, 3, 8, 11])
def test_dynamic_rows(tmp_path, batch):
    """One compiled matmul with a dynamic row count, run at several: the
    rows the register tile does not cover take the dynamic remainder."""
    mlir, inputs, expected = matmul_relu(batch, 40, 64, dynamic_rows=True)
    so = compile_mlir(mlir, tmp_path)
    out = run_model(so, inputs, tmp_path, tag=f"b{batch}")["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("batch", [1, 2, 5])
def test_dynamic_batch_conv(tmp_path, batch):
    mlir, inputs, expected = conv_relu(batch, 8, 24, 23, dynamic_batch=True)
    out = run_model(compile_mlir(mlir, tmp_path), inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-3)


def root_schedule(mlir, tmp_path, strategy):
    [(tiles, vector)] = [(sizes(t), sizes(v)) for s, t, v in
                         chosen_schedules(mlir, tmp_path) if s == strategy]
    return tiles, vector


def test_odd_rows_keep_whole_register_tiles(tmp_path):
    """A 23-pixel conv row and a 23-row matmul get register tiles of
    several pixels/rows (the last one partial), not 23 single ones; 24
    columns get a whole vector and a remainder."""
    mlir, _, _ = conv_relu(1, 16, 40, 23)
    _, vector = root_schedule(mlir, tmp_path, "conv")
    assert vector[2] >= 4 and vector[4] >= 8, vector  # (n, oh, ow, fo, fi, ..)
    mlir, _, _ = matmul_relu(23, 24, 64)
    _, vector = root_schedule(mlir, tmp_path, "contraction")
    assert vector[0] >= 4 and vector[0] != 23 and vector[1] >= 16, vector


def test_dynamic_rows_get_a_register_tile(tmp_path):
    """A matmul with a dynamic row count is scheduled as a contraction (not
    a reduction), with a register tile of several rows and whole vectors."""
    mlir, _, _ = matmul_relu(4, 40, 64, dynamic_rows=True)
    _, vector = root_schedule(mlir, tmp_path, "contraction")
    assert vector[0] >= 2 and vector[1] >= 16, vector
