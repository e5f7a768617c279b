"""kiln-compile --kiln-explain names the dispatches left on a slow path
(kiln-report-slow-paths): here a convolution over 13-pixel rows, which no
register tile size divides."""
import torch

from kiln_e2e import run_tool


def export_conv(path, size):
    net = torch.nn.Sequential(torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU()).eval()
    torch.onnx.export(net, torch.randn(1, 16, size, size), path, opset_version=13)


def test_explain_reports_one_pixel_conv_tiles(tmp_path):
    odd = tmp_path / "conv13.onnx"
    export_conv(odd, 13)
    result = run_tool("kiln-compile", odd, "-o", tmp_path / "odd.so", "--kiln-explain")
    assert "slow path: dispatch 'conv': register tiles of one output pixel: loop 2 (extent 13)" in result.stderr


def test_explain_reports_nothing_on_divisible_sizes(tmp_path):
    even = tmp_path / "conv16.onnx"
    export_conv(even, 16)
    result = run_tool("kiln-compile", even, "-o", tmp_path / "even.so", "--kiln-explain")
    assert "slow path" not in result.stderr
