"""kiln.Error carries the compiler's diagnostics: the op, where it is, and
why; a model that uses several unsupported operators names all of them."""
import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper

import kiln
import kiln.torch


def small_model():
    g = kiln.Graph()
    x = g.input("x", (2, 3))
    g.output(g.relu(x), "y")
    return kiln.compile(g)


def onnx_model(nodes, inputs, outputs, opset=13):
    graph = helper.make_graph(nodes, "g", inputs, outputs)
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def tensor_info(name, shape, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


# -- MLIR ---------------------------------------------------------------------

def test_bad_mlir_reports_op_and_location():
    text = """func.func @main(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}
"""
    with pytest.raises(kiln.Error) as info:
        kiln.compile(text)
    message = str(info.value)
    assert "'kiln.matmul' op" in message
    assert "contraction dimensions differ" in message
    assert ":2:8: error:" in message  # line 2, column 8: the op


def test_bad_mlir_file_names_the_file(tmp_path):
    path = tmp_path / "broken.mlir"
    path.write_text("func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n"
                    "  %0 = kiln.frobnicate %a : tensor<2xf32>\n"
                    "  return %0 : tensor<2xf32>\n}\n")
    with pytest.raises(kiln.Error) as info:
        kiln.compile(str(path))
    message = str(info.value)
    assert "broken.mlir:2:" in message
    assert "kiln.frobnicate" in message


def test_mlir_syntax_error():
    with pytest.raises(kiln.Error) as info:
        kiln.compile("func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n"
                     "  return %a : tensor<2xf32>\n")
    assert "error:" in str(info.value)


# -- kiln.Graph ---------------------------------------------------------------

def test_graph_op_rejects_bad_operands_at_the_call():
    g = kiln.Graph()
    x = g.input("x", (2, 3))
    with pytest.raises(kiln.Error) as info:
        g.matmul(x, x)
    assert "'kiln.matmul' op contraction dimensions differ" in str(info.value)
    with pytest.raises(kiln.Error) as info:
        g.conv2d(x, np.ones((1, 1, 1, 1), np.float32))
    assert "'kiln.conv2d' op" in str(info.value)
    # The graph is still usable after a rejected op.
    g.output(g.relu(x), "y")
    np.testing.assert_array_equal(kiln.compile(g)(np.ones((2, 3), np.float32)),
                                  np.ones((2, 3), np.float32))


def test_graph_unknown_op():
    g = kiln.Graph()
    x = g.input("x", (2,))
    with pytest.raises(kiln.Error, match="unknown kiln op 'kiln.frobnicate'"):
        g.frobnicate(x)


def test_graph_unknown_attribute():
    g = kiln.Graph()
    x = g.input("x", (1, 1, 4, 4))
    with pytest.raises(kiln.Error) as info:
        g.conv2d(x, np.ones((1, 1, 1, 1), np.float32), stride=[2, 2])
    assert "'kiln.conv2d' has no attribute 'stride'" in str(info.value)
    assert "strides" in str(info.value)


def test_graph_bad_attribute_value():
    g = kiln.Graph()
    x = g.input("x", (2, 3))
    with pytest.raises(kiln.Error, match="attribute 'shape' must be"):
        g.reshape(x, shape={"rows": 3})


def test_graph_missing_attribute():
    g = kiln.Graph()
    x = g.input("x", (2, 3))
    with pytest.raises(kiln.Error) as info:
        g.reshape(x)
    assert "kiln.reshape" in str(info.value)
    assert "shape" in str(info.value)


# -- Calling a compiled model ---------------------------------------------------

def test_wrong_input_shape():
    m = small_model()
    with pytest.raises(kiln.Error) as info:
        m(np.ones((2, 4), np.float32))
    assert "input 'x'" in str(info.value)
    assert "[2, 3]" in str(info.value) and "[2, 4]" in str(info.value)


def test_wrong_input_rank():
    with pytest.raises(kiln.Error, match="input 'x'"):
        small_model()(np.ones((6,), np.float32))


def test_wrong_input_dtype():
    m = small_model()
    with pytest.raises(kiln.Error) as info:
        m(np.ones((2, 3), np.float64))
    assert "input 'x'" in str(info.value)
    assert "float32" in str(info.value) and "float64" in str(info.value)


def test_wrong_input_count():
    m = small_model()
    with pytest.raises(kiln.Error, match="missing input 'x'"):
        m()
    with pytest.raises(kiln.Error, match="expects 1 inputs"):
        m(np.ones((2, 3), np.float32), np.ones((2, 3), np.float32))
    with pytest.raises(kiln.Error, match="unknown inputs"):
        m(np.ones((2, 3), np.float32), z=np.ones(1))


def test_dynamic_dimension_checks_static_ones():
    g = kiln.Graph()
    x = g.input("x", (None, 3))
    g.output(g.relu(x), "y")
    m = kiln.compile(g)
    assert m(np.ones((7, 3), np.float32)).shape == (7, 3)
    with pytest.raises(kiln.Error, match="input 'x'"):
        m(np.ones((7, 4), np.float32))


# -- Sources --------------------------------------------------------------------

def test_missing_file():
    with pytest.raises(kiln.Error, match="no such file"):
        kiln.compile("/nonexistent/model.onnx")
    with pytest.raises(kiln.Error, match="no such file"):
        kiln.load("/nonexistent/model.so")


def test_unknown_file_format(tmp_path):
    path = tmp_path / "model.txt"
    path.write_text("hello")
    with pytest.raises(kiln.Error, match="cannot tell the format"):
        kiln.compile(str(path))


def test_not_a_source():
    with pytest.raises(kiln.Error, match="cannot compile a int"):
        kiln.compile(42)


def test_unknown_target():
    g = kiln.Graph()
    g.output(g.input("x", (2,)), "y")
    with pytest.raises(kiln.Error, match="unknown target 'tpu'"):
        kiln.compile(g, target="tpu")


def test_corrupt_onnx():
    with pytest.raises(kiln.Error, match="not a valid ONNX model"):
        kiln.compile(b"\xff\xfe definitely not protobuf \x00\x01")


# -- ONNX -----------------------------------------------------------------------

def test_unsupported_onnx_ops_are_reported_at_once():
    model = onnx_model(
        [helper.make_node("Relu", ["x"], ["r"], name="relu0"),
         helper.make_node("Frobnicate", ["r"], ["f"], name="frob0"),
         helper.make_node("Relu", ["f"], ["g"], name="relu1"),
         helper.make_node("Transmogrify", ["g"], ["y"], name="trans0",
                          domain="com.example")],
        [tensor_info("x", [2])], [tensor_info("y", [2])])
    with pytest.raises(kiln.Error) as info:
        kiln.compile(model)
    message = str(info.value)
    assert "2 operator node(s)" in message
    assert "Frobnicate (node 'frob0')" in message
    assert "com.example.Transmogrify (node 'trans0')" in message
    assert "relu" not in message.lower().replace("'", "")


def test_onnx_node_error_names_the_node():
    model = onnx_model(
        [helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape_dyn")],
        [tensor_info("x", [2, 3]), tensor_info("s", [2], TensorProto.INT64)],
        [tensor_info("y", [3, 2])])
    with pytest.raises(kiln.Error) as info:
        kiln.compile(model)
    message = str(info.value)
    assert "reshape_dyn" in message
    assert "'shape' must be a constant" in message


def test_onnx_error_names_the_file(tmp_path):
    model = onnx_model([helper.make_node("Frobnicate", ["x"], ["y"])],
                       [tensor_info("x", [2])], [tensor_info("y", [2])])
    path = tmp_path / "weird.onnx"
    onnx.save(model, str(path))
    with pytest.raises(kiln.Error, match="weird.onnx"):
        kiln.compile(str(path))


# -- torch ------------------------------------------------------------------------

class Unsupported(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(4, 4)

    def forward(self, x):
        y = torch.cumsum(x, 0)
        z = y.argsort()
        return self.lstm(torch.relu(x))[0] + z


def test_unsupported_torch_ops_are_reported_at_once():
    with pytest.raises(kiln.Error) as info:
        kiln.torch.compile(Unsupported(), (torch.randn(3, 1, 4),))
    message = str(info.value)
    assert "3 operation(s)" in message
    assert "call_function torch.cumsum (node 'cumsum')" in message
    assert "call_method Tensor.argsort (node 'argsort')" in message
    assert "call_module torch.nn.LSTM (node 'lstm')" in message
    assert "relu" not in message


def test_unsupported_torch_module_through_kiln_compile():
    with pytest.raises(kiln.Error, match="torch.nn.LSTM"):
        kiln.compile(Unsupported(), example_inputs=(torch.randn(3, 1, 4),))


def test_unsupported_torch_configuration_names_the_node():
    class Circular(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 4, 3, padding=1,
                                        padding_mode="circular")

        def forward(self, x):
            return self.conv(x)

    with pytest.raises(kiln.Error) as info:
        kiln.torch.compile(Circular(), (torch.randn(1, 3, 8, 8),))
    assert "node 'conv'" in str(info.value)
    assert "padding_mode 'circular'" in str(info.value)


def test_torch_module_needs_example_inputs():
    with pytest.raises(kiln.Error, match="example_inputs"):
        kiln.compile(torch.nn.ReLU())


def test_torch_wrong_example_input_count():
    class Two(torch.nn.Module):
        def forward(self, a, b):
            return a + b

    with pytest.raises(kiln.Error, match="takes 2 inputs"):
        kiln.torch.compile(Two(), (torch.randn(2),))


def test_untraceable_torch_module():
    class DataDependent(torch.nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            return -x

    with pytest.raises(kiln.Error, match="torch.fx cannot trace"):
        kiln.torch.compile(DataDependent(), (torch.randn(2),))


def test_unsupported_torch_type_promotion():
    class IntDivision(torch.nn.Module):
        def forward(self, x):
            return x / 2  # int64 / int -> float32 in torch

    with pytest.raises(kiln.Error) as info:
        kiln.torch.compile(IntDivision(), (torch.arange(4),))
    assert "node 'truediv'" in str(info.value)
    assert "type promotion" in str(info.value)
