"""Independent NumPy (float64) implementations of the example models, used
by the tests and by scripts/demo.sh to check what Kiln computes."""
import math

import numpy as np

import generate_examples as gen


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
