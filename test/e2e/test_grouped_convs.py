"""Grouped convolutions (groups > 1, not depthwise) compile as window
contractions with a group loop: groups of at least half a vector of
filters directly, groups of fewer in blocks of 2 or 4 with a block-diagonal
filter. Results against NumPy in float64 at odd sizes (1, 7, 23), with
strides, and with a dynamic batch (depthwise too)."""
import numpy as np
import pytest

from kiln_e2e import (assert_close, compile_mlir, func_text, run_model,
                      tensor_type, type_of)
from test_remainder_tiles import chosen_schedules

rng = np.random.default_rng(17)


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def constant(array):
    """A kiln.constant holding `array` (hex: exact and compact)."""
    return f'kiln.constant dense<"0x{array.tobytes().hex().upper()}"> : {type_of(array)}'


def grouped_conv_relu(n, groups, per_group_in, per_group_out, size, stride=1,
                      dynamic_batch=False):
    """relu(conv2d(x, w, pads 1, groups)) with 3x3 filters held as a constant."""
    c, f = groups * per_group_in, groups * per_group_out
    x, w = randn(n, c, size, size), randn(f, per_group_in, 3, 3)
    out_size = (size + 2 - 3) // stride + 1
    x_type = tensor_type((None if dynamic_batch else n, c, size, size))
    out_type = tensor_type((None if dynamic_batch else n, f, out_size, out_size))
    body = (f"%w = {constant(w)}\n"
            f"%0 = kiln.conv2d %x, %w {{pads = array<i64: 1, 1, 1, 1>, "
            f"strides = array<i64: {stride}, {stride}>, groups = {groups} : i64}} : "
            f"({x_type}, {type_of(w)}) -> {out_type}\n"
            f"%1 = kiln.relu %0 : {out_type}")
    mlir = func_text([("x", x_type)], [("y", out_type, "%1")], body)
    padded = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(
        padded, (3, 3), axis=(2, 3))[:, :, ::stride, ::stride]
    windows = windows.reshape(n, groups, per_group_in, out_size, out_size, 3, 3)
    wg = w.astype(np.float64).reshape(groups, per_group_out, per_group_in, 3, 3)
    expected = np.einsum("ngcyxij,gfcij->ngfyx", windows, wg)
    expected = expected.reshape(n, f, out_size, out_size)
    return mlir, {"x": x}, np.maximum(expected, 0).astype(np.float32)


# (groups, channels per group, filters per group): ResNeXt-50's 4 and 8
# (blocked by 2 with AVX-512, half-vector panels), 16 and 32 (one and two
# vectors), 5 (no panel: a direct convolution).
GROUPINGS = [(8, 4, 4), (4, 8, 8), (4, 16, 16), (2, 32, 32), (4, 5, 5)]


@pytest.mark.parametrize("size", [1, 7, 23])
@pytest.mark.parametrize("grouping", GROUPINGS)
def test_grouped_conv_odd_sizes(tmp_path, size, grouping):
    mlir, inputs, expected = grouped_conv_relu(2, *grouping, size)
    out = run_model(compile_mlir(mlir, tmp_path), inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("grouping", [(8, 4, 4), (4, 16, 16)])
def test_grouped_conv_every_opt_level(tmp_path, opt, grouping):
    mlir, inputs, expected = grouped_conv_relu(2, *grouping, 7)
    out = run_model(compile_mlir(mlir, tmp_path, opt), inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("grouping", [(8, 4, 4), (4, 16, 16)])
def test_grouped_conv_stride_2(tmp_path, grouping):
    mlir, inputs, expected = grouped_conv_relu(1, *grouping, 23, stride=2)
    out = run_model(compile_mlir(mlir, tmp_path), inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("grouping", [(4, 8, 8), (24, 1, 1)])
@pytest.mark.parametrize("stride", [1, 2])
def test_grouped_conv_dynamic_batch(tmp_path, batch, grouping, stride):
    """Grouped and depthwise (24 groups of 1) with a dynamic batch."""
    mlir, inputs, expected = grouped_conv_relu(batch, *grouping, 7, stride=stride,
                                               dynamic_batch=True)
    out = run_model(compile_mlir(mlir, tmp_path), inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("grouping", [(8, 4, 4), (4, 8, 8), (4, 16, 16)])
def test_grouped_conv_is_a_window_contraction(tmp_path, grouping):
    """Scheduled as a conv (register tiles of pixels x filters, one group at
    a time), not as a generic reduction."""
    mlir, _, _ = grouped_conv_relu(1, *grouping, 23)
    [(tiles, vector)] = [(t, v) for s, t, v in chosen_schedules(mlir, tmp_path)
                         if s == "conv"]
    vector = [int(v) for v in vector.split(", ")]
    # Loops (n, g, oh, ow, fo, fi, kh, kw, c): pixels and filters.
    assert len(vector) == 9 and vector[3] >= 4 and vector[5] >= 8, vector
