"""Real models against PyTorch: torchvision ResNet-18 and MobileNet-v2
(random weights, 1x3x224x224) and a transformer encoder layer (d_model 256,
4 heads, sequence 64), each through ONNX (torch.onnx.export, then
kiln.compile of the file) and through torch.fx (kiln.torch.compile).

Weights are random (torch.manual_seed); the batch-norm running statistics
are calibrated on a random batch first, as training would leave them, so
that activations stay O(1) through the network instead of vanishing (with
the default statistics, MobileNet-v2's output is ~1e-9 and any comparison
would pass). Tolerance: max |kiln - torch| <= 1e-4 * max(1, max |torch|).
"""
import warnings

import numpy as np
import pytest
import torch
import torchvision

import kiln
import kiln.torch

TOLERANCE = 1e-4


def calibrate_batchnorm(model, input_shape, seed=1):
    """Sets every BatchNorm's running statistics to those of one random
    batch (momentum None: a plain average over the batches seen)."""
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        model(torch.randn(*input_shape,
                          generator=torch.Generator().manual_seed(seed)))
    return model.eval()


def resnet18():
    torch.manual_seed(0)
    model = calibrate_batchnorm(torchvision.models.resnet18(), (4, 3, 224, 224))
    return model, torch.randn(1, 3, 224, 224), 13


def mobilenet_v2():
    torch.manual_seed(0)
    model = calibrate_batchnorm(torchvision.models.mobilenet_v2(),
                                (4, 3, 224, 224))
    return model, torch.randn(1, 3, 224, 224), 13


def transformer_encoder_layer():
    torch.manual_seed(0)
    model = torch.nn.TransformerEncoderLayer(d_model=256, nhead=4,
                                             batch_first=True, dropout=0.0)
    return model.eval(), torch.randn(1, 64, 256), 14


MODELS = {"resnet18": resnet18, "mobilenet_v2": mobilenet_v2,
          "transformer_encoder_layer": transformer_encoder_layer}


@pytest.fixture(scope="module", params=list(MODELS))
def case(request):
    """(name, model, input, opset, PyTorch's output), built once per model."""
    model, x, opset = MODELS[request.param]()
    with torch.no_grad():
        expected = model(x).numpy()
    return request.param, model, x, opset, expected


def assert_matches(name, path, actual, expected):
    assert actual.shape == expected.shape
    assert actual.dtype == expected.dtype
    error = float(np.abs(actual - expected).max())
    scale = max(1.0, float(np.abs(expected).max()))
    print(f"\n{name} via {path}: max abs error {error:.3g} "
          f"(max |torch| {np.abs(expected).max():.3g})")
    assert error <= TOLERANCE * scale, (name, path, error, scale)


def export_onnx(model, x, path, opset, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x, str(path), opset_version=opset,
                          input_names=["x"], output_names=["y"], **kwargs)


def test_onnx(case, tmp_path):
    name, model, x, opset, expected = case
    path = tmp_path / f"{name}.onnx"
    export_onnx(model, x, path, opset)
    m = kiln.compile(str(path))
    assert [i["name"] for i in m.inputs] == ["x"]
    assert_matches(name, "onnx", m(x.numpy()), expected)


def test_torch_fx(case):
    name, model, x, _, expected = case
    fn = kiln.torch.compile(model, (x,))
    y = fn(x)
    assert isinstance(y, torch.Tensor)
    assert_matches(name, "torch.fx", y.numpy(), expected)


def test_onnx_dynamic_batch(tmp_path):
    """ResNet-18 exported with a symbolic batch: compiled once, run at batch
    1 and 3 (64x64 images: the dynamic-shape code path, not the size, is the
    point here)."""
    torch.manual_seed(0)
    model = calibrate_batchnorm(torchvision.models.resnet18(), (4, 3, 64, 64))
    path = tmp_path / "resnet18_dynamic.onnx"
    export_onnx(model, torch.randn(1, 3, 64, 64), path, 13,
                dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    m = kiln.compile(str(path))
    assert m.inputs[0]["shape"] == (None, 3, 64, 64)
    assert m.outputs[0]["shape"] == (None, 1000)
    for batch in (1, 3):
        x = torch.randn(batch, 3, 64, 64)
        with torch.no_grad():
            expected = model(x).numpy()
        assert_matches("resnet18", f"onnx, batch {batch} of a dynamic batch",
                       m(x.numpy()), expected)


def test_onnx_dynamic_batch_transformer(tmp_path):
    """The encoder layer exported with a symbolic batch: its attention
    reshapes are computed from Shape(x), which the importer follows
    symbolically; compiled once, run at batch 1 and 3."""
    model, x, opset = transformer_encoder_layer()
    path = tmp_path / "transformer_dynamic.onnx"
    export_onnx(model, x, path, opset,
                dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    m = kiln.compile(str(path))
    assert m.inputs[0]["shape"] == (None, 64, 256)
    for batch in (1, 3):
        xb = torch.randn(batch, 64, 256)
        with torch.no_grad():
            expected = model(xb).numpy()
        assert_matches("transformer_encoder_layer",
                       f"onnx, batch {batch} of a dynamic batch",
                       m(xb.numpy()), expected)
