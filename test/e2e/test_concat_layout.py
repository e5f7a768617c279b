"""A concatenation along channels of convolutions' results (an inception
block) runs channels-last, in the convolutions' layout, and feeds the next
convolution without a transpose to NCHW (kiln-sink-layout-changes). Results
against NumPy in float64, at odd sizes and with a dynamic batch."""
import numpy as np
import pytest

from kiln_e2e import (assert_close, compile_mlir, func_text, run_model,
                      run_tool, tensor_type, type_of)
from test_grouped_convs import constant

rng = np.random.default_rng(23)


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def conv_ref(x, w, pad):
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    k = w.shape[2]
    windows = np.lib.stride_tricks.sliding_window_view(padded, (k, k), axis=(2, 3))
    return np.einsum("ncyxij,fcij->nfyx", windows, w)


def branches_concat_conv(n, c, size, branch_filters, dynamic_batch=False):
    """conv(relu(concat(conv1x1(x), conv3x3(x), ...)), 3x3): branches
    alternate 1x1 and 3x3 filters (pads 0 and 1)."""
    x = randn(n, c, size, size)
    batch = None if dynamic_batch else n
    x_type = tensor_type((batch, c, size, size))
    body, names, types, expected = [], [], [], []
    for i, f in enumerate(branch_filters):
        k = 1 if i % 2 == 0 else 3
        w = randn(f, c, k, k)
        t = tensor_type((batch, f, size, size))
        body.append(f"%w{i} = {constant(w)}")
        body.append(f"%b{i} = kiln.conv2d %x, %w{i} {{pads = array<i64: {k // 2}, "
                    f"{k // 2}, {k // 2}, {k // 2}>}} : ({x_type}, {type_of(w)}) -> {t}")
        names.append(f"%b{i}")
        types.append(t)
        expected.append(conv_ref(x.astype(np.float64), w.astype(np.float64), k // 2))
    total = sum(branch_filters)
    cat_type = tensor_type((batch, total, size, size))
    out_type = tensor_type((batch, 8, size, size))
    w_out = randn(8, total, 3, 3)
    body.append(f"%cat = kiln.concat {', '.join(names)} {{axis = 1 : i64}} : "
                f"({', '.join(types)}) -> {cat_type}")
    body.append(f"%relu = kiln.relu %cat : {cat_type}")
    body.append(f"%wo = {constant(w_out)}")
    body.append(f"%y = kiln.conv2d %relu, %wo {{pads = array<i64: 1, 1, 1, 1>}} : "
                f"({cat_type}, {type_of(w_out)}) -> {out_type}")
    mlir = func_text([("x", x_type)], [("y", out_type, "%y")], "\n".join(body))
    cat = np.maximum(np.concatenate(expected, axis=1), 0)
    return mlir, {"x": x}, conv_ref(cat, w_out.astype(np.float64), 1).astype(np.float32)


@pytest.mark.parametrize("size", [1, 7, 23])
@pytest.mark.parametrize("branch_filters", [(16, 32), (8, 24, 16, 40)])
def test_concat_of_branches(tmp_path, size, branch_filters):
    mlir, inputs, expected = branches_concat_conv(2, 8, size, branch_filters)
    out = run_model(compile_mlir(mlir, tmp_path), inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("batch", [1, 3])
def test_concat_of_branches_dynamic_batch(tmp_path, batch):
    mlir, inputs, expected = branches_concat_conv(batch, 8, 7, (16, 32),
                                                  dynamic_batch=True)
    out = run_model(compile_mlir(mlir, tmp_path), inputs, tmp_path)["y"]
    assert_close(out, expected, rtol=1e-4, atol=1e-3)


def test_concat_stays_channels_last(tmp_path):
    """No transpose between the concatenated convolutions and the next one:
    only the result's transpose to NCHW is left."""
    mlir, _, _ = branches_concat_conv(1, 8, 7, (16, 32))
    src = tmp_path / "model.mlir"
    src.write_text(mlir)
    linalg = tmp_path / "model.linalg.mlir"
    run_tool("kiln-compile", src, "--emit=linalg", "-o", linalg)
    assert linalg.read_text().count("linalg.transpose") == 1
