"""The example models (examples/*.mlir) compiled and run end to end, against
NumPy implementations of the same models written here. The weights come from
examples/generate_examples.py, which also wrote the .mlir files."""
import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from kiln_e2e import assert_close, run_model, run_tool

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TOL = dict(rtol=1e-4, atol=1e-4)


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "generate_examples", EXAMPLES / "generate_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


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
# NumPy references (float64)
# ----------------------------------------------------------------------------


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g + b


def mlp_ref(x, w):
    h = x.astype(np.float64)
    n = len(gen.MLP_SIZES) - 1
    for i in range(1, n + 1):
        h = h @ w[f"w{i}"].T.astype(np.float64) + w[f"b{i}"]
        if i < n:
            h = np.maximum(h, 0)
    return h, softmax(h)


def conv3x3_pad1(x, w, b):
    n, c, hgt, wid = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((n, w.shape[0], hgt, wid))
    for i in range(3):
        for j in range(3):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + hgt, j:j + wid],
                             w[:, :, i, j])
    return out + b[None, :, None, None]


def convnet_ref(x, w):
    h = x.astype(np.float64)
    for i in range(1, len(gen.CONV_CHANNELS) + 1):
        h = conv3x3_pad1(h, w[f"conv{i}_w"].astype(np.float64), w[f"conv{i}_b"])
        p = {k: w[f"bn{i}_{k}"].astype(np.float64)[None, :, None, None]
             for k in ("scale", "bias", "mean", "var")}
        h = (h - p["mean"]) / np.sqrt(p["var"] + 1e-5) * p["scale"] + p["bias"]
        h = np.maximum(h, 0)
        n, c, hh, ww = h.shape
        h = h.reshape(n, c, hh // 2, 2, ww // 2, 2).max(axis=(3, 5))
    h = h.mean(axis=(2, 3))
    return h @ w["fc_w"].T.astype(np.float64) + w["fc_b"]


def transformer_ref(x, w):
    w = {k: v.astype(np.float64) for k, v in w.items()}
    x = x.astype(np.float64)
    bs, s, d = x.shape
    nh = gen.TF_HEADS
    hd = d // nh

    def heads(t):  # [B, S, D] -> [B, H, S, hd]
        return t.reshape(bs, s, nh, hd).transpose(0, 2, 1, 3)

    q = heads(x @ w["wq"] + w["bq"])
    k = heads(x @ w["wk"] + w["bk"])
    v = heads(x @ w["wv"] + w["bv"])
    attn = softmax(q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd))
    ctx = (attn @ v).transpose(0, 2, 1, 3).reshape(bs, s, d)
    h = layer_norm(x + ctx @ w["wo"] + w["bo"], w["ln1_g"], w["ln1_b"])
    f = h @ w["ff1_w"] + w["ff1_b"]
    erf = np.vectorize(math.erf)
    f = 0.5 * f * (1 + erf(f / math.sqrt(2)))
    return layer_norm(h + f @ w["ff2_w"] + w["ff2_b"], w["ln2_g"], w["ln2_b"])


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
