"""The `threads` setting of compiled models in Python."""
import numpy as np
import pytest

import kiln

RNG = np.random.default_rng(3)
A = RNG.standard_normal((96, 200)).astype(np.float32)
B = RNG.standard_normal((200, 160)).astype(np.float32)


def matmul_graph():
    g = kiln.Graph()
    a = g.input("a", A.shape)
    g.output(g.matmul(a, B), "y")
    return g


def test_threads_argument_and_property(tmp_path):
    m = kiln.compile(matmul_graph(), threads=1)
    assert m.threads == 1
    one = m(A)
    m.threads = 2
    assert m.threads == 2
    np.testing.assert_array_equal(m(A), one)
    np.testing.assert_allclose(one, A.astype(np.float64) @ B, rtol=1e-4, atol=1e-3)
    m.save(tmp_path / "m.so")
    loaded = kiln.load(tmp_path / "m.so", threads=2)
    assert loaded.threads == 2
    np.testing.assert_array_equal(loaded(A), one)


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_bad_thread_counts(bad):
    m = kiln.compile(matmul_graph())
    with pytest.raises(kiln.Error, match="threads|number of threads"):
        m.threads = bad
