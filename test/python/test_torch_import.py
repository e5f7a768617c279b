"""kiln.torch: torch.fx graphs into kiln, op by op, against PyTorch."""
import operator

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import kiln
import kiln.torch


def randomize_batchnorm(module, seed=0):
    """Random running statistics and affine parameters, so that batch norm
    is not the identity."""
    g = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            if m.affine:
                with torch.no_grad():
                    m.weight.copy_(torch.rand(n, generator=g) + 0.5)
                    m.bias.copy_(torch.randn(n, generator=g) * 0.1)
    return module


def check(module, *inputs, tol=1e-4):
    """Compiles `module` through torch.fx and compares it with PyTorch."""
    torch.manual_seed(0)
    module = module.eval()
    with torch.no_grad():
        expected = module(*inputs)
    fn = kiln.torch.compile(module, inputs)
    actual = fn(*inputs)
    flat_expected = expected if isinstance(expected, (tuple, list)) else \
        (expected,)
    flat_actual = actual if isinstance(actual, (tuple, list)) else (actual,)
    assert type(actual) is type(expected)
    assert len(flat_actual) == len(flat_expected)
    for a, e in zip(flat_actual, flat_expected):
        assert isinstance(a, torch.Tensor)
        assert a.shape == e.shape and a.dtype == e.dtype
        scale = max(1.0, e.abs().max().item())
        assert (a - e).abs().max().item() <= tol * scale
    return fn


def images(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def test_module_zoo():
    torch.manual_seed(0)
    model = randomize_batchnorm(nn.Sequential(
        nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=2, bias=False),
        nn.BatchNorm2d(8), nn.ReLU6(),
        nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8), nn.Hardtanh(-0.5, 2.0),
        nn.MaxPool2d(3, stride=2, padding=1), nn.ReLU(),
        nn.AvgPool2d(2), nn.Conv2d(8, 16, 1), nn.Sigmoid(),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Dropout(0.5),
        nn.Identity(), nn.Linear(16, 32), nn.GELU(), nn.LayerNorm(32),
        nn.Tanh(), nn.Linear(32, 10), nn.Softmax(dim=-1)))
    check(model, images(2, 4, 32, 32))


def test_more_activations_and_pools():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 6, 3, padding="same"), nn.SiLU(), nn.Hardswish(),
        nn.Hardsigmoid(), nn.LeakyReLU(0.2), nn.ELU(0.5),
        nn.MaxPool2d(3, stride=2, ceil_mode=True),
        nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
        nn.AvgPool2d(2, ceil_mode=True),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(1), nn.BatchNorm1d(6),
        nn.LogSoftmax(dim=1))
    check(randomize_batchnorm(model), images(2, 3, 20, 20))  # ceil_mode matters


class Functional(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(8, 1, 3, 3) * 0.3)
        self.fc = nn.Parameter(torch.randn(10, 8 * 4) * 0.1)
        self.register_buffer("mean", torch.randn(8) * 0.1)
        self.register_buffer("var", torch.rand(8) + 0.5)

    def forward(self, x):
        x = F.conv2d(x, self.w, None, 1, 1, 1, 8)  # depthwise
        x = F.batch_norm(x, self.mean, self.var, training=False)
        x = F.relu6(F.hardtanh(x, -3.0, 3.0) * 2.0)
        x = F.max_pool2d(x, 2, ceil_mode=True)
        x = F.avg_pool2d(x, 2)
        x = F.adaptive_avg_pool2d(x, (2, 2))
        x = torch.flatten(x, 1)
        x = F.dropout(x, 0.3, training=False)
        return F.softmax(F.linear(x, self.fc), dim=1)


def test_functional():
    torch.manual_seed(0)
    check(Functional(), images(2, 8, 15, 15))


class Methods(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(0.5))
        self.proj = nn.Linear(6, 6)

    def forward(self, x, y):
        b, c = x.size(0), x.size()[1]
        h = x.view(b, c, -1).permute(0, 2, 1).contiguous()   # (b, 12, c)
        h = h.reshape(b, 3, 4, c).transpose(1, 2).flatten(2)  # (b, 4, 3c)
        h = torch.transpose(h, -1, -2)                        # (b, 3c, 4)
        m = h.mean(-1, keepdim=True) + h.mean(dim=(1, 2)).view(b, 1, 1)
        z = torch.cat([h - m, h * self.scale], dim=2)        # (b, 3c, 8)
        z = torch.matmul(z, z.transpose(1, 2)) / 8.0          # (b, 3c, 3c)
        z = torch.relu(z) + torch.add(z, 1.0, alpha=2) - 3 * z
        z = z.unsqueeze(1).squeeze(1)
        s = z[:, 1:5, ::2]                                    # (b, 4, 3)
        t = z[..., 0][:, None]                                # (b, 1, 3c)
        u = F.gelu(self.proj(y), approximate="tanh")
        u = F.layer_norm(u, (6,)) + torch.sigmoid(u).sum(-1, keepdim=True)
        return s.sum(dim=2) + t.mean(), u.exp() ** 2, {"dim": x.dim(), "t": t}


def test_methods_and_indexing():
    torch.manual_seed(0)
    x, y = images(2, 2, 3, 4, seed=1), images(5, 6, seed=2)
    module = Methods().eval()
    with torch.no_grad():
        expected = module(x, y)
    fn = kiln.torch.compile(module, (x, y))
    actual = fn(x, y)
    assert isinstance(actual, tuple) and len(actual) == 3
    assert actual[2]["dim"] == 4
    for a, e in [(actual[0], expected[0]), (actual[1], expected[1]),
                 (actual[2]["t"], expected[2]["t"])]:
        assert a.shape == e.shape
        assert (a - e).abs().max().item() <= 1e-4 * max(1, e.abs().max())
    assert [i["name"] for i in fn.inputs] == ["x", "y"]


@pytest.mark.parametrize("batch_first", [True, False])
def test_multihead_attention(batch_first):
    torch.manual_seed(0)

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(32, 4, batch_first=batch_first)

        def forward(self, q, kv):
            out, weights = self.attn(q, kv, kv)
            return out, weights

    q = images(2, 5, 32, seed=1)
    kv = images(2, 7, 32, seed=2)
    if not batch_first:
        q, kv = q.transpose(0, 1).contiguous(), kv.transpose(0, 1).contiguous()
    check(Attention(), q, kv)


def test_multihead_attention_masks_and_kdim():
    torch.manual_seed(0)

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(16, 2, kdim=12, vdim=10,
                                              batch_first=True)

        def forward(self, q, k, v, mask, padding):
            out, _ = self.attn(q, k, v, key_padding_mask=padding,
                               attn_mask=mask, need_weights=False)
            return out

    q, k, v = images(2, 4, 16, seed=1), images(2, 6, 12, seed=2), \
        images(2, 6, 10, seed=3)
    mask = images(4, 6, seed=4)                    # float: added
    padding = torch.zeros(2, 6, dtype=torch.bool)  # bool: -inf where true
    padding[0, 5] = padding[1, 0] = True
    check(Attention(), q, k, v, mask, padding)


def test_multihead_attention_unbatched_bool_mask():
    torch.manual_seed(0)

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(8, 2)

        def forward(self, x, mask):
            return self.attn(x, x, x, attn_mask=mask,
                             average_attn_weights=False)

    causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
    check(Attention(), images(5, 8), causal)


def test_transformer_encoder_layer_variants():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(32, 4, dim_feedforward=64, dropout=0.0,
                                       activation="gelu", norm_first=True)
    check(layer, images(6, 2, 32))  # (seq, batch, embed)


def test_transformer_encoder_inside_a_model():
    torch.manual_seed(0)

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(8, 32)
            layer = nn.TransformerEncoderLayer(32, 2, 64, dropout=0.0,
                                               batch_first=True,
                                               activation=nn.GELU())
            self.encoder = nn.TransformerEncoder(layer, 2,
                                                 norm=nn.LayerNorm(32))
            self.head = nn.Linear(32, 3)

        def forward(self, x):
            h = self.encoder(self.embed(x))
            return self.head(h[:, 0])

    check(Encoder(), images(2, 10, 8))


def test_kiln_compile_takes_a_module():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU()).eval()
    x = images(2, 4)
    m = kiln.compile(model, example_inputs=(x,))
    with torch.no_grad():
        np.testing.assert_allclose(m(x.numpy()), model(x).numpy(), rtol=1e-5,
                                   atol=1e-6)


def test_shared_and_direct_parameters():
    torch.manual_seed(0)

    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 4)
            self.bias = nn.Parameter(torch.randn(4))

        def forward(self, x):
            return self.a(self.a(x)) + self.bias, self.a.weight.t() @ x.t()

    check(Tied(), images(3, 4))


def test_export_names_inputs_after_placeholders():
    class TwoInputs(nn.Module):
        def forward(self, image, mask):
            return image * mask

    text = kiln.torch.export_to_mlir(TwoInputs(),
                                     (torch.ones(2, 3), torch.ones(2, 3)))
    assert 'kiln.name = "image"' in text and 'kiln.name = "mask"' in text


def test_integer_inputs():
    class Ints(nn.Module):
        def forward(self, x):
            return x * 3 + 1, x.sum(1)

    check(Ints(), torch.arange(6, dtype=torch.int64).reshape(2, 3))


def test_python_operators_on_sizes():
    class Sizes(nn.Module):
        def forward(self, x):
            n = x.shape[0] * x.shape[1]
            return x.reshape(n // 2, -1) * (x.size(-1) - 1)

    check(Sizes(), images(4, 3, 5))


def test_torch_compile_backend_is_guarded():
    # torch 1.13 has no torch.compile; registering must not break importing.
    major = int(torch.__version__.split(".")[0])
    if major >= 2:
        from torch._dynamo import list_backends
        assert "kiln" in list_backends()
    else:
        assert not hasattr(torch, "compile")


def test_embedding():
    torch.manual_seed(0)

    class Embed(nn.Module):
        def __init__(self):
            super().__init__()
            self.tokens = nn.Embedding(50, 8)
            self.positions = nn.Parameter(torch.randn(6, 8))
            self.register_buffer("position_ids", torch.arange(6))

        def forward(self, ids):
            return self.tokens(ids) + F.embedding(self.position_ids,
                                                  self.positions)

    check(Embed(), torch.randint(0, 50, (2, 6)))
