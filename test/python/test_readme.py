"""The Python example of the README, run as written (from the repository
root), plus the same five lines on an ONNX model."""
import re
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import kiln

ROOT = Path(__file__).resolve().parents[2]


def readme_python_example():
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Python"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_python_example(monkeypatch, capsys):
    code = readme_python_example()
    # Every `print(...)  # expected` line states what it prints.
    expected = [line.split("#", 1)[1].strip() for line in code.splitlines()
                if line.startswith("print(") and "#" in line]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.split("\n")
    assert [p.strip() for p in printed if p.strip()] == expected


FIVE_LINES = """
import kiln, numpy as np
m = kiln.compile("model.onnx")
x = np.random.rand(4, 64).astype(np.float32)
y = m(x)
"""


def test_five_lines_on_an_onnx_model(tmp_path, monkeypatch):
    # A softmax classifier saved as model.onnx.
    w = np.random.RandomState(0).randn(64, 10).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["probs"], axis=-1)],
        "classifier", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                     ["batch", 64])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT,
                                       ["batch", 10])],
        initializer=[numpy_helper.from_array(w, "w")])
    onnx.save(helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 13)]), str(tmp_path / "model.onnx"))
    monkeypatch.chdir(tmp_path)

    example = FIVE_LINES
    scope = {}
    exec(compile(example, "example", "exec"), scope)
    x, y = scope["x"], scope["y"]

    assert y.shape == (4, 10)
    np.testing.assert_allclose(y.sum(axis=1), np.ones(4), rtol=1e-5)
    logits = x @ w
    e = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(y, e / e.sum(1, keepdims=True), rtol=1e-5,
                               atol=1e-6)
