"""Exports the cost model's corpus as ONNX (random weights, static shapes).

    /usr/bin/python3 costmodel/corpus/export_models.py OUT_DIR [--tiny]

Training models and held-out models (never trained on; see HELD_OUT) cover
CNNs (plain, residual, depthwise, grouped, squeeze-excite), encoders and
decoders of several widths and sequence lengths, and MLPs. `--tiny` writes
two small models for the test suite's seconds-long collect/train/eval.
"""
import argparse
import os
import sys

import torch
import torchvision

HELD_OUT = ["resnext50_32x4d", "mobilenet_v3_small", "convnext_tiny", "bert_768_s32"]


class Block(torch.nn.Module):
    """A pre-norm transformer block; causal for decoders (GPT-like)."""

    def __init__(self, width, heads, causal, seq):
        super().__init__()
        self.norm1 = torch.nn.LayerNorm(width)
        self.attn = torch.nn.MultiheadAttention(width, heads, batch_first=True)
        self.norm2 = torch.nn.LayerNorm(width)
        self.ff = torch.nn.Sequential(torch.nn.Linear(width, 4 * width),
                                      torch.nn.GELU(),
                                      torch.nn.Linear(4 * width, width))
        self.mask = (torch.triu(torch.full((seq, seq), float("-inf")), diagonal=1)
                     if causal else None)

    def forward(self, x):
        h = self.norm1(x)
        a, _ = self.attn(h, h, h, attn_mask=self.mask, need_weights=False)
        x = x + a
        return x + self.ff(self.norm2(x))


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def vision(name, size, batch=1):
    return getattr(torchvision.models, name)(weights=None), (batch, 3, size, size)


def corpus():
    """name -> (module, input shape)."""
    return {
        "resnet18": vision("resnet18", 224),
        "resnet50": vision("resnet50", 128),
        "mobilenet_v2": vision("mobilenet_v2", 224),
        "squeezenet1_1": vision("squeezenet1_1", 160),
        "shufflenet_v2_x1_0": vision("shufflenet_v2_x1_0", 160),
        "efficientnet_b0": vision("efficientnet_b0", 128),
        "encoder_256_s128": (torch.nn.TransformerEncoderLayer(
            256, 8, 1024, dropout=0.0, batch_first=True), (1, 128, 256)),
        "gpt_384_s64": (Block(384, 6, True, 64), (1, 64, 384)),
        "gpt_512_s128": (Block(512, 8, True, 128), (1, 128, 512)),
        "mlp_1024_b8": (mlp([1024, 2048, 2048, 1000]), (8, 1024)),
        "mlp_784_b1": (mlp([784, 512, 256, 10]), (1, 784)),
        "mlp_512_b32": (mlp([512, 1536, 512, 128]), (32, 512)),
        "resnet34": vision("resnet34", 160),
        "mnasnet1_0": vision("mnasnet1_0", 160),
        "regnet_x_400mf": vision("regnet_x_400mf", 128),
        "googlenet": vision("googlenet", 128),
        "densenet121": vision("densenet121", 96),
        "gpt_256_s256": (Block(256, 4, True, 256), (1, 256, 256)),
        "encoder_128_s64_b4": (torch.nn.TransformerEncoderLayer(
            128, 4, 512, dropout=0.0, batch_first=True), (4, 64, 128)),
        # Held out.
        "resnext50_32x4d": vision("resnext50_32x4d", 128),
        "mobilenet_v3_small": vision("mobilenet_v3_small", 224),
        "convnext_tiny": vision("convnext_tiny", 128),
        "bert_768_s32": (Block(768, 12, False, 32), (1, 32, 768)),
    }


def tiny():
    return {
        "tiny_mlp": (mlp([48, 64, 32]), (4, 48)),
        "tiny_cnn": (torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, padding=1),
                                         torch.nn.ReLU(),
                                         torch.nn.Conv2d(16, 32, 3, stride=2)),
                     (1, 3, 16, 16)),
    }


def randomize_batchnorm(module, seed=1):
    gen = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated names")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    models = tiny() if args.tiny else corpus()
    only = [n for n in args.only.split(",") if n]
    for name, (module, shape) in models.items():
        if only and name not in only:
            continue
        path = os.path.join(args.out, name + ".onnx")
        if os.path.exists(path):
            continue
        module.eval()
        randomize_batchnorm(module)
        torch.onnx.export(module, torch.randn(*shape), path, opset_version=13,
                          input_names=["x"], output_names=["y"])
        print(f"export: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
