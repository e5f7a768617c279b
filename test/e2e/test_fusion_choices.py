"""Attention fused or as three kernels (kiln-fuse's cost-model decision)
compiles from kernels (kiln-compile --from-kernels) to the same numbers."""
import numpy as np
import pytest

from kiln_e2e import run_tool
from test_tool_errors import expect_error

# 128 columns: the heuristic's rule makes three kernels, the analytical
# model one (test/CostModel/kiln-fuse-cost-model.mlir).
ATTENTION = """func.func @main(%q: tensor<2x7x8xf32> {kiln.name = "q"}, %kt: tensor<2x8x23xf32> {kiln.name = "kt"}, %v: tensor<2x23x128xf32> {kiln.name = "v"}) -> tensor<2x7x128xf32> {
  %s = kiln.matmul %q, %kt : (tensor<2x7x8xf32>, tensor<2x8x23xf32>) -> tensor<2x7x23xf32>
  %p = kiln.softmax %s {axis = 2 : i64} : tensor<2x7x23xf32>
  %o = kiln.matmul %p, %v : (tensor<2x7x23xf32>, tensor<2x23x128xf32>) -> tensor<2x7x128xf32>
  return %o : tensor<2x7x128xf32>
}
"""
TO_KERNELS = ["-kiln-annotate-entry-points", "-kiln-decompose",
              "-convert-kiln-to-linalg", "-kiln-fuse-elementwise"]


def reference(q, kt, v):
    s = q @ kt
    e = np.exp(s - s.max(axis=2, keepdims=True))
    return (e / e.sum(axis=2, keepdims=True)) @ v


@pytest.mark.parametrize("cost_model,kernels", [("heuristic", 3), ("analytical", 1)])
def test_attention_either_way_from_kernels(tmp_path, cost_model, kernels):
    source = tmp_path / "attention.mlir"
    source.write_text(ATTENTION)
    fused = tmp_path / "kernels.mlir"
    run_tool("kiln-opt", source, *TO_KERNELS,
             f"-kiln-fuse=cost-model={cost_model} target=x86_64-avx512",
             "-o", fused)
    assert fused.read_text().count("kiln_kernel.dispatch") == kernels
    so = tmp_path / "model.so"
    run_tool("kiln-compile", "--from-kernels", fused, "-o", so)
    rng = np.random.default_rng(1)
    inputs = {name: rng.standard_normal(shape).astype(np.float32)
              for name, shape in [("q", (2, 7, 8)), ("kt", (2, 8, 23)),
                                  ("v", (2, 23, 128))]}
    args = []
    for name, value in inputs.items():
        np.save(tmp_path / f"{name}.npy", value)
        args += ["--input", f"{name}={tmp_path / (name + '.npy')}"]
    run_tool("kiln-run", so, *args, "--output-dir", tmp_path / "out")
    result = np.load(next((tmp_path / "out").glob("*.npy")))
    np.testing.assert_allclose(result, reference(**inputs), rtol=1e-4, atol=1e-5)


def test_from_kernels_refuses_graph_ops(tmp_path):
    source = tmp_path / "attention.mlir"
    source.write_text(ATTENTION)
    expect_error("kiln-compile", "--from-kernels", source, "-o", tmp_path / "m.so",
                 contains=["'kiln.matmul' is a kiln graph op",
                           "without --from-kernels", "attention.mlir:2:"])
