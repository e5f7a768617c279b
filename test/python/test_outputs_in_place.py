"""Outputs come back in the buffers the model computed them in (no copy):
each array keeps its buffer, and the model's library, alive; outputs that
alias an input or a constant are copies."""
import gc

import numpy as np

import kiln

from test_save_load import X, model, reference


def test_outputs_outlive_the_loaded_model(tmp_path):
    path = tmp_path / "model.so"
    kiln.compile(model()).save(str(path))
    loaded = kiln.load(str(path))
    probs, total = loaded(X)
    del loaded  # the arrays keep the library (and its allocator) loaded
    gc.collect()
    expected_probs, expected_total = reference(X)
    np.testing.assert_allclose(probs, expected_probs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(total, expected_total, rtol=1e-5, atol=1e-5)


def test_each_call_returns_fresh_arrays():
    m = kiln.compile(model())
    first, _ = m(X)
    kept = first.copy()
    second, _ = m(X * 2)
    assert not np.shares_memory(first, second)
    np.testing.assert_array_equal(first, kept)


def test_outputs_are_writable():
    probs, _ = kiln.compile(model())(X)
    assert probs.flags.c_contiguous and probs.flags.writeable
    probs[:] = 0
    assert probs.sum() == 0


def test_an_output_aliasing_the_input_is_a_copy():
    g = kiln.Graph()
    x = g.input("x", (2, 3))
    g.output(x, "same")
    g.output(g.constant(np.ones((2, 2), np.float32)), "ones")
    x_value = np.arange(6, dtype=np.float32).reshape(2, 3)
    same, ones = kiln.compile(g)(x_value)
    assert not np.shares_memory(same, x_value)
    x_value[:] = -1
    np.testing.assert_array_equal(same, np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(ones, np.ones((2, 2)))
