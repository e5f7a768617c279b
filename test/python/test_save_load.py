"""m.save(path) writes the same shared library kiln-compile writes: it loads
back with kiln.load and runs under kiln-run."""
import json

import numpy as np

import kiln


def model():
    g = kiln.Graph()
    x = g.input("x", (None, 3))
    w = np.arange(12, dtype=np.float32).reshape(3, 4) / 10
    g.output(g.softmax(g.matmul(x, w), axis=-1), "probs")
    g.output(g.reduce_sum(x, axes=[1], keepdims=False), "total")
    return g


def reference(x):
    logits = x @ (np.arange(12, dtype=np.float32).reshape(3, 4) / 10)
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True), x.sum(1)


X = np.random.RandomState(1).randn(5, 3).astype(np.float32)


def test_save_and_load(tmp_path):
    m = kiln.compile(model())
    path = tmp_path / "model.so"
    m.save(str(path))
    loaded = kiln.load(str(path))
    assert loaded.inputs == m.inputs
    assert loaded.outputs == m.outputs
    assert loaded.inputs[0]["shape"] == (None, 3)
    for a, b in zip(loaded(X), m(X)):
        np.testing.assert_array_equal(a, b)
    probs, total = loaded(X)
    expected_probs, expected_total = reference(X)
    np.testing.assert_allclose(probs, expected_probs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(total, expected_total, rtol=1e-5, atol=1e-5)
    # Metadata is JSON that names the inputs and outputs.
    metadata = json.loads(loaded.metadata)
    text = json.dumps(metadata)
    assert "probs" in text and "total" in text


def test_saved_model_outlives_the_compiled_one(tmp_path):
    path = tmp_path / "model.so"
    kiln.compile(model()).save(str(path))  # the compiled module is gone now
    probs, _ = kiln.load(str(path))(X)
    np.testing.assert_allclose(probs, reference(X)[0], rtol=1e-5, atol=1e-6)


def test_saved_model_runs_under_kiln_run(tmp_path, run_tool):
    path = tmp_path / "model.so"
    kiln.compile(model()).save(str(path))
    np.save(tmp_path / "x.npy", X)
    out = tmp_path / "out"
    out.mkdir()
    proc = run_tool("kiln-run", path, "--input", f"x={tmp_path / 'x.npy'}",
                    "--output-dir", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    expected_probs, expected_total = reference(X)
    np.testing.assert_allclose(np.load(out / "probs.npy"), expected_probs,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.load(out / "total.npy"), expected_total,
                               rtol=1e-5, atol=1e-5)
    info = run_tool("kiln-run", path, "--info")
    assert info.returncode == 0, info.stderr
    assert "probs" in info.stdout and "x" in info.stdout


def test_kiln_compile_output_loads_in_python(tmp_path, run_tool):
    src = tmp_path / "model.mlir"
    src.write_text(model().to_mlir())
    so = tmp_path / "model.so"
    proc = run_tool("kiln-compile", src, "-o", so)
    assert proc.returncode == 0, proc.stderr
    probs, total = kiln.load(str(so))(X)
    np.testing.assert_allclose(probs, reference(X)[0], rtol=1e-5, atol=1e-6)
