#!/usr/bin/python3
"""Kiln against OpenBLAS, PyTorch and ONNX Runtime on this machine.

    /usr/bin/python3 bench/run.py [--quick] [--doc docs/benchmarks.md]

Measures, in one run on the same inputs: f32 matmul (Kiln vs OpenBLAS sgemm),
the distinct conv2d layers of resnet18 (Kiln vs torch conv2d), whole models
(Kiln vs PyTorch eager vs ONNX Runtime) and Kiln's -O3 compile time of each
model, and the learned cost model against the heuristic (bench/cost_model.py).
Prints the tables, writes docs/benchmarks.md and docs/benchmarks.png, and
ends with the lines `bench-cost-model: ...` and `bench: ...` (see
bench/README.md).
"""
import os
import sys

# The environment sets OPENBLAS_CORETYPE=Haswell, which halves OpenBLAS, and
# with it unset Debian's OpenBLAS 0.3.21 does not recognize newer AVX-512 CPUs
# and falls back to its slow Prescott kernels. So re-exec, before numpy or torch
# load OpenBLAS, with the best core the CPU flags allow: peers run at their best.
def _best_coretype():
    flags = next((l.split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
    return "SkylakeX" if "avx512f" in flags else "Haswell" if "avx2" in flags else None


if os.environ.get("KILN_BENCH_CORETYPE_SET") != "1":
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    env["KILN_BENCH_CORETYPE_SET"] = "1"
    if _best_coretype():
        env["OPENBLAS_CORETYPE"] = _best_coretype()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse
import io
import json
import math
import platform
import subprocess
import tempfile
import time
import warnings

import numpy as np
import torch
import torchvision

import cost_model
import peers
import plot
import zoo

sys.path.insert(0, os.path.join(peers.ROOT, "build", "python_packages"))
import kiln  # noqa: E402

warnings.filterwarnings("ignore")  # torch.onnx export chatter

KILN_COMPILE = os.path.join(peers.ROOT, "build", "bin", "kiln-compile")

FULL = dict(squares=[128, 256, 512, 1024, 2048], skinny_m=[1, 8, 32],
            skinny_nk=[(768, 768), (768, 3072), (3072, 768), (4096, 4096)],
            threads=[1, 2], batches=[1, 8], repeats=10)
QUICK = dict(squares=[256, 512, 1024, 2048], skinny_m=[1, 32],
             skinny_nk=[(768, 3072), (4096, 4096)],
             threads=[1], batches=[1], repeats=3)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def rel_err(y, ref):
    return float(np.abs(y - ref).max() / max(np.abs(ref).max(), 1e-30))


def at_threads(t, model, blas):
    """Kiln, PyTorch and OpenBLAS all on `t` threads."""
    model.threads = t
    torch.set_num_threads(t)
    blas.set_threads(t)


def ms(s):
    return f"{s['median_ms']:.3f} ({s['min_ms']:.3f}-{s['max_ms']:.3f})"


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


# --- matmul: Kiln vs OpenBLAS sgemm -------------------------------------------

def matmul_mlir(m, n, k):
    a, b, c = f"tensor<{m}x{k}xf32>", f"tensor<{k}x{n}xf32>", f"tensor<{m}x{n}xf32>"
    return (f"func.func @main(%a: {a}, %b: {b}) -> {c} {{\n"
            f"  %0 = kiln.matmul %a, %b : ({a}, {b}) -> {c}\n"
            f"  return %0 : {c}\n}}\n")


def bench_matmul(cfg, blas, tmp):
    shapes = [(n, n, n) for n in cfg["squares"]]
    shapes += [(m, n, k) for m in cfg["skinny_m"] for n, k in cfg["skinny_nk"]]
    rows = []
    rng = np.random.default_rng(0)
    for m, n, k in shapes:
        log(f"matmul {m}x{n}x{k}")
        src, so = os.path.join(tmp, "mm.mlir"), os.path.join(tmp, f"mm_{m}_{n}_{k}.so")
        with open(src, "w") as f:
            f.write(matmul_mlir(m, n, k))
        subprocess.run([KILN_COMPILE, "-O3", src, "-o", so], check=True)
        model = kiln.load(so)
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        c = np.empty((m, n), np.float32)
        blas.sgemm(a, b, c)
        err = rel_err(model(a, b), c)
        for t in cfg["threads"]:
            at_threads(t, model, blas)
            kiln_t = peers.timeit(lambda: model.run(a, b), cfg["repeats"])
            peer_t = peers.timeit(lambda: blas.sgemm(a, b, c), cfg["repeats"])
            rows.append(dict(case=f"{m}x{n}x{k}", square=(m == n == k), size=m,
                             threads=t, kiln=kiln_t, peer=peer_t, err=err,
                             gflops=2 * m * n * k / kiln_t["median_ms"] / 1e6))
    return rows


# --- conv2d layers of resnet18: Kiln vs torch.nn.functional.conv2d ---------------

def resnet18_convs():
    """Distinct (cin, cout, kernel, stride, pad, H, W) of resnet18's convs at 224x224."""
    net, shapes = torchvision.models.resnet18().eval(), []

    def hook(mod, inputs, _):
        s = (mod.in_channels, mod.out_channels, mod.kernel_size[0], mod.stride[0],
             mod.padding[0], inputs[0].shape[2], inputs[0].shape[3])
        if s not in shapes:
            shapes.append(s)
    for mod in net.modules():
        if isinstance(mod, torch.nn.Conv2d):
            mod.register_forward_hook(hook)
    with torch.no_grad():
        net(torch.zeros(1, 3, 224, 224))
    return shapes


def onnx_bytes(module, x):
    buf = io.BytesIO()
    torch.onnx.export(module, x, buf, opset_version=13, input_names=["x"],
                      output_names=["y"])
    return buf.getvalue()


def bench_convs(cfg, blas):
    rows = []
    torch.manual_seed(0)
    for cin, cout, k, s, p, h, w in resnet18_convs():
        case = f"{cin}->{cout} k{k} s{s} {h}x{w}"
        log(f"conv {case}")
        conv = torch.nn.Conv2d(cin, cout, k, s, p, bias=False).eval()
        x = torch.randn(1, cin, h, w)
        model = kiln.compile(onnx_bytes(conv, x))
        xn = x.numpy()
        with torch.no_grad():
            ref = conv(x).numpy()
        err = rel_err(model(xn), ref)
        for t in cfg["threads"]:
            at_threads(t, model, blas)
            kiln_t = peers.timeit(lambda: model.run(xn), cfg["repeats"])
            with torch.no_grad():
                peer_t = peers.timeit(lambda: torch.nn.functional.conv2d(
                    x, conv.weight, None, s, p), cfg["repeats"])
            rows.append(dict(case=case, threads=t, kiln=kiln_t, peer=peer_t, err=err))
    return rows


# --- whole models: Kiln vs PyTorch eager vs ONNX Runtime ---------------------------

def models():
    """(name, module, input shape at batch B)."""
    mlp = torch.nn.Sequential(torch.nn.Linear(1024, 2048), torch.nn.ReLU(),
                              torch.nn.Linear(2048, 2048), torch.nn.ReLU(),
                              torch.nn.Linear(2048, 1000))
    encoder = torch.nn.TransformerEncoderLayer(256, 8, 1024, dropout=0.0,
                                               batch_first=True)
    return [("mlp", mlp, lambda b: (b, 1024)),
            ("resnet18", torchvision.models.resnet18(), lambda b: (b, 3, 224, 224)),
            ("mobilenet_v2", torchvision.models.mobilenet_v2(), lambda b: (b, 3, 224, 224)),
            ("transformer_encoder", encoder, lambda b: (b, 128, 256))]


def bench_models(cfg, blas, ort_missing, tmp):
    rows = []
    torch.manual_seed(0)
    for name, module, shape in models():
        module.eval()
        for batch in cfg["batches"]:
            log(f"model {name} batch {batch}")
            x = torch.randn(*shape(batch))
            xn = x.numpy()
            path = os.path.join(tmp, f"{name}_b{batch}.onnx")
            # Exported with grad enabled: torch 1.13's TransformerEncoderLayer
            # fast path (taken under no_grad) has no ONNX export.
            torch.onnx.export(module, x, path, opset_version=13,
                              input_names=["x"], output_names=["y"])
            t0 = time.perf_counter()
            model = kiln.compile(path, opt_level=3)
            compile_s = time.perf_counter() - t0
            with torch.no_grad():
                ref = module(x).numpy()
            err = rel_err(model(xn), ref)
            for t in cfg["threads"]:
                at_threads(t, model, blas)
                kiln_t = peers.timeit(lambda: model.run(xn), cfg["repeats"])
                with torch.no_grad():
                    torch_t = peers.timeit(lambda: module(x), cfg["repeats"])
                ort_t = None
                if not ort_missing:
                    ort_t = peers.ort_time(path, {"x": xn}, t, cfg["repeats"])
                rows.append(dict(case=f"{name} b{batch}", model=name, batch=batch,
                                 threads=t, kiln=kiln_t, torch=torch_t, ort=ort_t,
                                 compile_s=compile_s, err=err))
    return rows


# --- report -------------------------------------------------------------------------

def ratio(peer, kiln_t):
    return peer["median_ms"] / kiln_t["median_ms"]


def tables(mm, convs, mods):
    out = ["### matmul f32: Kiln vs OpenBLAS sgemm", "",
           "| M x N x K | threads | Kiln ms | Kiln GFLOP/s | OpenBLAS ms | OpenBLAS/Kiln |",
           "| --- | --- | --- | --- | --- | --- |"]
    out += [f"| {r['case']} | {r['threads']} | {ms(r['kiln'])} | {r['gflops']:.1f} | "
            f"{ms(r['peer'])} | {ratio(r['peer'], r['kiln']):.3f} |" for r in mm]
    out += ["", "### conv2d layers of resnet18 (batch 1): Kiln vs torch conv2d", "",
            "| cin->cout kernel stride input | threads | Kiln ms | torch ms | torch/Kiln |",
            "| --- | --- | --- | --- | --- |"]
    out += [f"| {r['case']} | {r['threads']} | {ms(r['kiln'])} | {ms(r['peer'])} | "
            f"{ratio(r['peer'], r['kiln']):.3f} |" for r in convs]
    out += ["", "### models: Kiln vs PyTorch eager and ONNX Runtime", "",
            "| model | batch | threads | Kiln ms | PyTorch ms | ORT ms | PyTorch/Kiln | ORT/Kiln |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in mods:
        ort_ms = ms(r["ort"]) if r["ort"] else "missing"
        ort_ratio = f"{ratio(r['ort'], r['kiln']):.3f}" if r["ort"] else "-"
        out.append(f"| {r['model']} | {r['batch']} | {r['threads']} | {ms(r['kiln'])} | "
                   f"{ms(r['torch'])} | {ort_ms} | {ratio(r['torch'], r['kiln']):.3f} | "
                   f"{ort_ratio} |")
    out += ["", "### Kiln compile time (-O3, ONNX file to loaded .so) and accuracy", "",
            "| model | batch | compile s | max rel. error vs PyTorch |", "| --- | --- | --- | --- |"]
    seen = set()
    for r in mods:
        if (r["model"], r["batch"]) not in seen:
            seen.add((r["model"], r["batch"]))
            out.append(f"| {r['model']} | {r['batch']} | {r['compile_s']:.1f} | {r['err']:.1e} |")
    return "\n".join(out)


def square_ratios(mm, threads=None):
    return [ratio(r["peer"], r["kiln"]) for r in mm
            if r["square"] and 256 <= r["size"] <= 2048
            and threads in (None, r["threads"])]


def geomeans(mm, mods, threads):
    """Per thread count: matmul (square 256..2048 and skinny) and models."""
    out = ["| threads | matmul square 256..2048 vs OpenBLAS | matmul skinny vs OpenBLAS "
           "| models vs PyTorch | worst model vs PyTorch | models vs ORT |",
           "| --- | --- | --- | --- | --- | --- |"]
    for t in threads:
        skinny = [ratio(r["peer"], r["kiln"]) for r in mm
                  if not r["square"] and r["threads"] == t]
        vs_torch = [ratio(r["torch"], r["kiln"]) for r in mods if r["threads"] == t]
        vs_ort = [ratio(r["ort"], r["kiln"]) for r in mods if r["threads"] == t and r["ort"]]
        out.append(f"| {t} | {geomean(square_ratios(mm, t)):.3f} | {geomean(skinny):.3f} | "
                   f"{geomean(vs_torch):.3f} | {min(vs_torch):.3f} | "
                   f"{geomean(vs_ort):.3f} |")
    return "\n".join(out)


def summary(mm, mods, ort_missing):
    """The headline figures over every thread count measured: matmul over the
    square sizes 256..2048, models over every model and batch."""
    sq = square_ratios(mm)
    vs_torch = [ratio(r["torch"], r["kiln"]) for r in mods]
    vs_ort = "missing" if ort_missing else \
        f"{geomean([ratio(r['ort'], r['kiln']) for r in mods]):.3f}"
    return (f"bench: matmul_vs_openblas={geomean(sq):.3f} "
            f"models_vs_torch={geomean(vs_torch):.3f} "
            f"worst_model_vs_torch={min(vs_torch):.3f} models_vs_ort={vs_ort}")


def machine(blas, ort_missing):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), platform.processor())
    ort = ort_missing and f"missing ({ort_missing})"
    if not ort_missing:
        with open(os.path.join(peers.NODE_DIR, "node_modules", "onnxruntime-node",
                               "package.json")) as f:
            ort = "onnxruntime-node " + json.load(f)["version"]
    return [f"- CPU: {cpu}, {os.cpu_count()} cores (no GPU used)",
            f"- OpenBLAS: {blas.path} ({blas.config()}), "
            f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}",
            f"- PyTorch {torch.__version__}, torchvision {torchvision.__version__}, "
            f"numpy {np.__version__}", f"- ONNX Runtime: {ort}"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer sizes and repeats, batch 1, 1 thread (< 5 min)")
    parser.add_argument("--doc", default=os.path.join(peers.ROOT, "docs", "benchmarks.md"))
    parser.add_argument("--zoo", action="store_true",
                        help="also the zoo section (bench/zoo.py: torchvision models and a "
                        "transformer beyond the bench set, static and dynamic batch, vs "
                        "ORT; about an hour, --quick about 15 min)")
    args = parser.parse_args()
    cfg = QUICK if args.quick else FULL
    start = time.time()

    blas = peers.OpenBLAS()
    ort_missing = peers.ensure_ort()
    if ort_missing:
        log(f"ONNX Runtime missing: {ort_missing}")
    with tempfile.TemporaryDirectory(prefix="kiln-bench-") as tmp:
        mm = bench_matmul(cfg, blas, tmp)
        convs = bench_convs(cfg, blas)
        mods = bench_models(cfg, blas, ort_missing, tmp)
    cost_text, cost_line = cost_model.run(args.quick)
    zoo_text, zoo_line = zoo.run(args.quick) if args.zoo else ("", "")

    text = tables(mm, convs, mods)
    line = summary(mm, mods, ort_missing)
    wall = time.time() - start
    png = os.path.splitext(args.doc)[0] + ".png"
    labels = [(f"matmul {r['case']} t{r['threads']}", ratio(r["peer"], r["kiln"])) for r in mm]
    labels += [(f"conv {r['case']} t{r['threads']}", ratio(r["peer"], r["kiln"])) for r in convs]
    labels += [(f"{r['case']} t{r['threads']} vs torch", ratio(r["torch"], r["kiln"]))
               for r in mods]
    labels += [(f"{r['case']} t{r['threads']} vs ORT", ratio(r["ort"], r["kiln"]))
               for r in mods if r["ort"]]
    plot.plot(labels, png)

    command = "/usr/bin/python3 bench/run.py" + (" --quick" if args.quick else "")
    doc = ["# Benchmarks", "",
           "Honest measurements of Kiln against its CPU peers, produced by", "",
           f"    {command}", "",
           f"on {time.strftime('%Y-%m-%d')} (wall time {wall / 60:.1f} min). Ratios are "
           "peer time / Kiln time of the medians: **> 1 means Kiln is faster, < 1 slower**. "
           "Times are median (min-max) over "
           f"{cfg['repeats']} timed runs after a warm-up of at least {peers.WARMUP_S} s, in ms. Kiln and its peers run "
           f"at the same thread count, {' and '.join(map(str, cfg['threads']))}. The "
           "headline line takes geometric means over every thread count (matmul over "
           "the square sizes 256..2048, models over every model and batch); the table "
           "below it splits them by thread count.", "",
           *machine(blas, ort_missing), "",
           "The machine is shared (2 cores), so other work running at the same time adds "
           "noise; the min-max spread shows how much. Each measurement starts after a "
           f"{peers.SETTLE_S} s pause, so that the idle worker threads of the runtime timed "
           "before (libomp, libgomp, OpenBLAS) have stopped spinning on the cores.", "",
           "```", line, "```", "", geomeans(mm, mods, cfg["threads"]), "",
           f"![speed ratios, log scale]({os.path.basename(png)})", "", text, "",
           "## Learned vs heuristic", "",
           "The learned cost model against the heuristic on the same models in the "
           "same run (`bench/cost_model.py`; see docs/cost-model.md):", "",
           "```", cost_line, "```", "", cost_text, ""]
    if args.zoo:
        doc += ["## Zoo", "", "Models beyond the bench set against ONNX Runtime, each "
                "also exported with a dynamic batch (`bench/zoo.py`):", "",
                "```", zoo_line, "```", "", zoo_text, ""]
    with open(args.doc, "w") as f:
        f.write("\n".join(doc))
    print(text)
    print(cost_text)
    print(f"\nwall time {wall:.0f} s; wrote {args.doc} and {png}")
    print(cost_line)
    print(line)
    if args.zoo:
        print(zoo_text)
        print(zoo_line)


if __name__ == "__main__":
    main()
