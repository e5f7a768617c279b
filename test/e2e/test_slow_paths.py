"""kiln-compile --kiln-explain names the dispatches left on a slow path
(kiln-report-slow-paths; its warnings are tested in lit). Sizes no register
tile divides (13- and 97-pixel rows) and models beyond the benchmark set
compile with none: their register tiles end in a remainder tile."""
import pytest
import torch
import torchvision

from kiln_e2e import run_tool


def export(path, module, shape, dynamic=False):
    module.eval()
    axes = {"x": {0: "batch"}} if dynamic else None
    torch.onnx.export(module, torch.randn(*shape), path, opset_version=13,
                      input_names=["x"], dynamic_axes=axes)


def slow_paths(tmp_path, module, shape, dynamic=False):
    onnx = tmp_path / "model.onnx"
    export(onnx, module, shape, dynamic)
    result = run_tool("kiln-compile", onnx, "-o", tmp_path / "model.so",
                      "--kiln-explain", timeout=300)
    return [line for line in result.stderr.splitlines() if "slow path" in line]


@pytest.mark.parametrize("size", [13, 16, 97])
def test_conv_rows_of_any_size(tmp_path, size):
    conv = torch.nn.Sequential(torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU())
    assert slow_paths(tmp_path, conv, (1, 16, size, size)) == []


@pytest.mark.parametrize("name,size,dynamic", [
    ("resnet18", 97, False), ("resnet18", 97, True),
    ("mobilenet_v3_large", 97, False), ("resnext50_32x4d", 97, False)])
def test_models_beyond_the_bench_set(tmp_path, name, size, dynamic):
    module = getattr(torchvision.models, name)(weights=None)
    assert slow_paths(tmp_path, module, (1, 3, size, size), dynamic) == []
