"""Kiln demo: compiles the example models (kiln IR) and torchvision's
ResNet-18 (exported to ONNX) with kiln-compile, runs them with kiln-run, and
compares with NumPy / PyTorch."""
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(os.environ.get("KILN_BUILD_DIR", ROOT / "build")) / "bin"
sys.path.insert(0, str(ROOT / "examples"))
import generate_examples as gen  # noqa: E402
import numpy_reference as ref  # noqa: E402


def tool(*args):
    proc = subprocess.run([str(BIN / args[0]), *map(str, args[1:])],
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{args[0]} failed:\n{proc.stderr}")
    return proc.stdout


def compile_and_run(model, inputs, work, runs=20):
    """Returns (outputs by name, compile seconds, median run ms)."""
    so = work / (Path(model).stem + ".so")
    start = time.perf_counter()
    tool("kiln-compile", model, "-o", so, "-O3")
    compile_s = time.perf_counter() - start
    args = []
    for name, value in inputs.items():
        np.save(work / f"{name}.npy", value)
        args += ["--input", f"{name}={work / name}.npy"]
    out = work / "out"
    out.mkdir(exist_ok=True)
    log = tool("kiln-run", so, *args, "--output-dir", out, f"--benchmark={runs}")
    median = float(re.search(r"median ([0-9.]+) ms", log).group(1))
    outputs = {p.stem: np.load(p) for p in out.glob("*.npy")}
    return outputs, compile_s, median


def report(name, got, want, compile_s, run_ms, extra=""):
    err = float(np.abs(got - want).max())
    scale = max(1.0, float(np.abs(want).max()))
    ok = err <= 1e-4 * scale
    print(f"{name:<28} max|err| {err:.2e}  compile {compile_s:5.2f} s  "
          f"run {run_ms:8.3f} ms{extra}  {'OK' if ok else 'MISMATCH'}")
    return ok


def main():
    work = Path(tempfile.mkdtemp(prefix="kiln-demo-"))
    rng = np.random.default_rng(0)
    ok = True
    print("Kiln demo: kiln-compile -O3 + kiln-run --benchmark (median of runs)\n")

    x = rng.standard_normal((8, gen.MLP_SIZES[0])).astype(np.float32)
    out, c, r = compile_and_run(ROOT / "examples/mlp.mlir", {"x": x}, work)
    ok &= report("MLP (batch 8) vs NumPy", out["logits"],
                 ref.mlp_ref(x, gen.mlp_weights())[0], c, r)

    x = rng.standard_normal(gen.CONV_INPUT).astype(np.float32)
    out, c, r = compile_and_run(ROOT / "examples/convnet.mlir", {"x": x}, work)
    ok &= report("ConvNet vs NumPy", out["logits"],
                 ref.convnet_ref(x, gen.convnet_weights()), c, r)

    x = rng.standard_normal((gen.TF_BATCH, gen.TF_SEQ, gen.TF_DMODEL)).astype(np.float32)
    out, c, r = compile_and_run(ROOT / "examples/transformer.mlir", {"x": x}, work)
    ok &= report("Transformer block vs NumPy", out["y"],
                 ref.transformer_ref(x, gen.transformer_weights()), c, r)

    try:
        import torch
        import torchvision
    except ImportError:
        print("(torch/torchvision not installed: skipping ResNet-18)")
    else:
        torch.manual_seed(0)
        model = torchvision.models.resnet18().eval()
        x = torch.randn(1, 3, 224, 224)
        onnx_path = work / "resnet18.onnx"
        torch.onnx.export(model, (x,), str(onnx_path), input_names=["x"],
                          output_names=["logits"], opset_version=13)
        with torch.no_grad():
            want = model(x).numpy()
            start = time.perf_counter()
            for _ in range(5):
                model(x)
            torch_ms = (time.perf_counter() - start) / 5 * 1000
        out, c, r = compile_and_run(onnx_path, {"x": x.numpy()}, work, runs=5)
        ok &= report("ResNet-18 (ONNX) vs PyTorch", out["logits"], want, c, r,
                     f"  (PyTorch eager {torch_ms:.1f} ms)")
        top = np.argsort(-out["logits"][0])[:5]
        print(f"{'':28} top-5 classes {top.tolist()} "
              f"(PyTorch {np.argsort(-want[0])[:5].tolist()})")
    print("\nall results match" if ok else "\nSOME RESULTS DO NOT MATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
