"""kiln.compile from every kind of source it takes, on one small model:
y = relu(x @ w + b)."""
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

import kiln
import kiln.torch

RNG = np.random.RandomState(0)
W = RNG.randn(8, 4).astype(np.float32)
B = RNG.randn(4).astype(np.float32)
X = RNG.randn(2, 8).astype(np.float32)
EXPECTED = np.maximum(X @ W + B, 0)


def onnx_model():
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["xw"], name="matmul"),
         helper.make_node("Add", ["xw", "b"], ["xwb"], name="add"),
         helper.make_node("Relu", ["xwb"], ["y"], name="relu")],
        "linear_relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
        initializer=[numpy_helper.from_array(W, "w"),
                     numpy_helper.from_array(B, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model


def dense(array):
    return "dense<" + np.array2string(
        array, separator=", ", threshold=1 << 30, floatmode="unique",
        max_line_width=1 << 30) + ">"


MLIR = f"""
func.func @main(%x: tensor<2x8xf32> {{kiln.name = "x"}}) -> (tensor<2x4xf32> {{kiln.name = "y"}}) {{
  %w = kiln.constant {dense(W)} : tensor<8x4xf32>
  %b = kiln.constant {dense(B)} : tensor<4xf32>
  %xw = kiln.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %xwb = kiln.add %xw, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %y = kiln.relu %xwb : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}}
"""


def graph():
    g = kiln.Graph()
    x = g.input("x", (2, 8))
    g.output(g.relu(g.matmul(x, W) + B), "y")
    return g


class LinearRelu(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(8, 4)
        with torch.no_grad():
            self.linear.weight.copy_(torch.from_numpy(W.T.copy()))
            self.linear.bias.copy_(torch.from_numpy(B))

    def forward(self, x):
        return torch.relu(self.linear(x))


def check(m, input_name="x"):
    assert [spec["name"] for spec in m.inputs] == [input_name]
    assert m.inputs[0]["shape"] == (2, 8)
    assert m.inputs[0]["dtype"] == "float32"
    assert m.outputs[0]["shape"] == (2, 4)
    y = m(X)
    assert isinstance(y, np.ndarray)
    np.testing.assert_allclose(y, EXPECTED, rtol=1e-5, atol=1e-5)
    # Inputs also go by name.
    np.testing.assert_allclose(m(**{input_name: X}), EXPECTED, rtol=1e-5,
                               atol=1e-5)


def test_onnx_path(tmp_path):
    path = tmp_path / "model.onnx"
    onnx.save(onnx_model(), str(path))
    check(kiln.compile(str(path)))
    check(kiln.compile(path))  # os.PathLike


def test_onnx_model_proto():
    check(kiln.compile(onnx_model()))


def test_onnx_bytes():
    check(kiln.compile(onnx_model().SerializeToString()))


def test_mlir_path(tmp_path):
    path = tmp_path / "model.mlir"
    path.write_text(MLIR)
    check(kiln.compile(str(path)))


def test_mlir_text():
    check(kiln.compile(MLIR))


def test_graph():
    check(kiln.compile(graph()))


def test_torch_module():
    m = kiln.compile(LinearRelu().eval(), example_inputs=(torch.from_numpy(X),))
    check(m)


def test_torch_compile_returns_torch_tensors():
    fn = kiln.torch.compile(LinearRelu().eval(), (torch.from_numpy(X),))
    y = fn(torch.from_numpy(X))
    assert isinstance(y, torch.Tensor)
    np.testing.assert_allclose(y.numpy(), EXPECTED, rtol=1e-5, atol=1e-5)


def test_opt_levels_agree():
    for opt_level in (0, 1, 2, 3):
        check(kiln.compile(graph(), opt_level=opt_level))


def test_import_onnx_gives_kiln_mlir():
    text = kiln.import_onnx(onnx_model())
    assert "kiln.matmul" in text and "kiln.relu" in text
    check(kiln.compile(text))


def test_export_to_mlir_gives_kiln_mlir():
    text = kiln.torch.export_to_mlir(LinearRelu().eval(), torch.from_numpy(X))
    assert "kiln.relu" in text and 'kiln.name = "x"' in text
    check(kiln.compile(text))


def test_several_outputs_and_inputs():
    g = kiln.Graph()
    a = g.input("a", (3,))
    b = g.input("b", (3,))
    g.output(a + b, "sum")
    g.output(a * b, "product")
    m = kiln.compile(g)
    av, bv = np.arange(3, dtype=np.float32), np.ones(3, np.float32) * 2
    total, product = m(av, bv)
    np.testing.assert_array_equal(total, av + bv)
    np.testing.assert_array_equal(product, av * bv)
    assert [o["name"] for o in m.outputs] == ["sum", "product"]
    assert len(m.run(av, b=bv)) == 2


@pytest.mark.parametrize("dtype", ["float64", "int32", "int64"])
def test_graph_dtypes(dtype):
    g = kiln.Graph()
    x = g.input("x", (None, 4), dtype=dtype)
    g.output(x * 3 + 1, "y")
    m = kiln.compile(g)
    xv = np.arange(8, dtype=dtype).reshape(2, 4)
    y = m(xv)
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(y, xv * 3 + 1)


def test_import_kiln_does_not_import_torch():
    """kiln.torch is imported on first use."""
    code = ("import sys, kiln; assert 'torch' not in sys.modules; "
            "assert callable(kiln.torch.compile); assert 'torch' in sys.modules")
    package_dir = os.path.dirname(os.path.dirname(kiln.__file__))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": package_dir})
    assert proc.returncode == 0, proc.stderr
