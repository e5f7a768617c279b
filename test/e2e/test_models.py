"""The example models (examples/*.mlir) compiled and run end to end, against
NumPy implementations of the same models (examples/numpy_reference.py). The
weights come from examples/generate_examples.py, which also wrote the .mlir
files."""
import sys
from pathlib import Path

import numpy as np
import pytest

from kiln_e2e import assert_close, run_model, run_tool

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TOL = dict(rtol=1e-4, atol=1e-4)


sys.path.insert(0, str(EXAMPLES))
import generate_examples as gen  # noqa: E402
from numpy_reference import convnet_ref, mlp_ref, transformer_ref  # noqa: E402


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """(model, opt) -> .so, compiled once per module."""
    cache = {}

    def get(model, opt):
        if (model, opt) not in cache:
            out = tmp_path_factory.mktemp(f"{model}{opt}") / f"{model}.so"
            run_tool("kiln-compile", EXAMPLES / f"{model}.mlir", "-o", out, opt)
            cache[model, opt] = out
        return cache[model, opt]

    return get


# ----------------------------------------------------------------------------
# Tests
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", sorted(gen.EXAMPLES))
def test_example_is_up_to_date(model):
    """The checked-in .mlir is what the generator writes, and small."""
    path = EXAMPLES / f"{model}.mlir"
    assert path.read_text() == gen.EXAMPLES[model](), \
        "regenerate with examples/generate_examples.py"
    assert path.stat().st_size < 1 << 20


@pytest.mark.parametrize("batch", [1, 5])
def test_mlp(compiled, opt, tmp_path, batch):
    """The MLP has a dynamic batch: one .so runs at several batch sizes."""
    x = np.random.default_rng(batch).standard_normal(
        (batch, gen.MLP_SIZES[0])).astype(np.float32)
    out = run_model(compiled("mlp", opt), {"x": x}, tmp_path)
    logits, probs = mlp_ref(x, gen.mlp_weights())
    assert_close(out["logits"], logits.astype(np.float32), **TOL)
    assert_close(out["probs"], probs.astype(np.float32), **TOL)


def test_convnet(compiled, opt, tmp_path):
    x = np.random.default_rng(7).standard_normal(gen.CONV_INPUT).astype(
        np.float32)
    out = run_model(compiled("convnet", opt), {"x": x}, tmp_path)
    expected = convnet_ref(x, gen.convnet_weights()).astype(np.float32)
    assert_close(out["logits"], expected, **TOL)


def test_transformer(compiled, opt, tmp_path):
    shape = (gen.TF_BATCH, gen.TF_SEQ, gen.TF_DMODEL)
    x = np.random.default_rng(11).standard_normal(shape).astype(np.float32)
    out = run_model(compiled("transformer", opt), {"x": x}, tmp_path)
    expected = transformer_ref(x, gen.transformer_weights()).astype(np.float32)
    assert_close(out["y"], expected, **TOL)


def test_models_agree_across_opt_levels(compiled, tmp_path):
    """-O0 and -O3 builds of the same model give (nearly) the same numbers."""
    x = np.random.default_rng(3).standard_normal(gen.CONV_INPUT).astype(
        np.float32)
    o0 = run_model(compiled("convnet", "-O0"), {"x": x}, tmp_path, "o0")
    o3 = run_model(compiled("convnet", "-O3"), {"x": x}, tmp_path, "o3")
    assert_close(o3["logits"], o0["logits"], rtol=1e-5, atol=1e-5)
