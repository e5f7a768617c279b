#!/usr/bin/python3
"""Kiln against ONNX Runtime on models outside the benchmark set (the zoo).

    /usr/bin/python3 bench/zoo.py [--quick] [--models a,b] [--sizes 224,97]

torchvision alexnet, inception_v3, resnext50_32x4d, mobilenet_v3_large,
convnext_tiny and wide_resnet50_2 (weights=None, randomized BatchNorm
statistics) at input 224x224 and 97x97, and a transformer encoder layer at
sequence 77 and 100. Each is exported at batch 1 and 8 with a static batch,
and once with a dynamic batch run at both; Kiln (-O3) and ONNX Runtime run
the same ONNX file on the same input at 1 and 2 threads, interleaved.
`--quick`: batch 1 only, 1 thread, 3 repeats.

Ends with `bench-zoo: zoo_vs_ort=<geomean> worst_zoo_vs_ort=<min>
dynamic_vs_static=<geomean of static time / dynamic time>`.
"""
import argparse
import math
import os
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
import torchvision

import peers

sys.path.insert(0, os.path.join(peers.ROOT, "build", "python_packages"))
sys.path.insert(0, os.path.join(peers.ROOT, "costmodel", "corpus"))
import export_models  # noqa: E402
import kiln  # noqa: E402

warnings.filterwarnings("ignore")

CNNS = ["alexnet", "inception_v3", "resnext50_32x4d", "mobilenet_v3_large",
        "convnext_tiny", "wide_resnet50_2"]
ENCODER = "transformer_encoder"


def log(msg):
    print(f"[zoo bench] {msg}", file=sys.stderr, flush=True)


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def zoo(names, sizes):
    """(case, module, input shape at batch b)."""
    cases = []
    for name in names:
        if name == ENCODER:
            encoder = torch.nn.TransformerEncoderLayer(256, 8, 1024, dropout=0.0,
                                                       batch_first=True)
            for seq in (77, 100):
                cases.append((f"{ENCODER} s{seq}", encoder,
                              lambda b, seq=seq: (b, seq, 256)))
            continue
        kwargs = {"aux_logits": False, "init_weights": True} \
            if name == "inception_v3" else {}
        module = getattr(torchvision.models, name)(weights=None, **kwargs)
        export_models.randomize_batchnorm(module)
        for size in sizes:
            cases.append((f"{name} {size}", module,
                          lambda b, size=size: (b, 3, size, size)))
    return cases


def export(module, x, path, dynamic):
    # Exported with grad enabled: torch 1.13's TransformerEncoderLayer fast
    # path (taken under no_grad) has no ONNX export.
    axes = {"x": {0: "batch"}, "y": {0: "batch"}} if dynamic else None
    torch.onnx.export(module, x, path, opset_version=13, input_names=["x"],
                      output_names=["y"], dynamic_axes=axes)


def bench(cfg, names, sizes, tmp, skipped):
    rows = []
    torch.manual_seed(0)
    for case, module, shape in zoo(names, sizes):
        module.eval()
        dynamic_path = os.path.join(tmp, case.replace(" ", "_") + "_dyn.onnx")
        try:
            export(module, torch.randn(*shape(1)), dynamic_path, dynamic=True)
        except torch.onnx.errors.OnnxExporterError as e:
            # alexnet at 97x97: torch cannot export an adaptive pool that
            # upsamples (2x2 -> 6x6).
            log(f"{case}: torch.onnx cannot export it: {str(e).splitlines()[0][:160]}")
            skipped.append(case)
            continue
        t0 = time.perf_counter()
        dynamic = kiln.compile(dynamic_path, opt_level=3)
        dynamic_compile_s = time.perf_counter() - t0
        for batch in cfg["batches"]:
            log(f"{case} batch {batch}")
            x = torch.randn(*shape(batch))
            xn = x.numpy()
            path = os.path.join(tmp, case.replace(" ", "_") + f"_b{batch}.onnx")
            export(module, x, path, dynamic=False)
            t0 = time.perf_counter()
            static = kiln.compile(path, opt_level=3)
            compile_s = time.perf_counter() - t0
            with torch.no_grad():
                ref = module(x).numpy()
            err = max(float(np.abs(m(xn) - ref).max()) for m in (static, dynamic)) \
                / max(float(np.abs(ref).max()), 1e-30)
            for t in cfg["threads"]:
                static.threads = dynamic.threads = t
                times = {"static": [], "dynamic": [], "ort": []}
                for _ in range(cfg["rounds"]):
                    times["static"].append(peers.timeit(lambda: static.run(xn),
                                                        cfg["repeats"]))
                    times["dynamic"].append(peers.timeit(lambda: dynamic.run(xn),
                                                         cfg["repeats"]))
                    times["ort"].append(peers.ort_time(path, {"x": xn}, t,
                                                       cfg["repeats"]))
                best = {k: min(v, key=lambda s: s["median_ms"]) for k, v in times.items()}
                rows.append(dict(case=case, batch=batch, threads=t, err=err,
                                 compile_s=max(compile_s, dynamic_compile_s), **best))
    return rows


def ms(s):
    return f"{s['median_ms']:.2f} ({s['min_ms']:.2f}-{s['max_ms']:.2f})"


def report(rows, skipped):
    lines = ["| model | batch | threads | Kiln static ms | Kiln dynamic ms | ORT ms "
             "| ORT / Kiln | static / dynamic | max rel err | compile s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        vs_ort = r["ort"]["median_ms"] / r["static"]["median_ms"]
        dyn = r["static"]["median_ms"] / r["dynamic"]["median_ms"]
        lines.append(f"| {r['case']} | {r['batch']} | {r['threads']} | {ms(r['static'])} "
                     f"| {ms(r['dynamic'])} | {ms(r['ort'])} | {vs_ort:.2f} | {dyn:.2f} "
                     f"| {r['err']:.1e} | {r['compile_s']:.1f} |")
    vs_ort = [r["ort"]["median_ms"] / r["static"]["median_ms"] for r in rows]
    dyn = [r["static"]["median_ms"] / r["dynamic"]["median_ms"] for r in rows]
    if skipped:
        lines += ["", "Not exported by torch.onnx: " + ", ".join(skipped)]
    line = (f"bench-zoo: zoo_vs_ort={geomean(vs_ort):.3f} "
            f"worst_zoo_vs_ort={min(vs_ort):.3f} "
            f"dynamic_vs_static={geomean(dyn):.3f}")
    return "\n".join(lines), line


FULL = dict(batches=[1, 8], threads=[1, 2], repeats=5, rounds=2)
QUICK = dict(batches=[1], threads=[1], repeats=3, rounds=1)


def run(quick=False, names=None, sizes=None):
    missing = peers.ensure_ort()
    if missing:
        raise SystemExit("bench-zoo needs ONNX Runtime: " + missing)
    skipped = []
    with tempfile.TemporaryDirectory(prefix="kiln-zoo-") as tmp:
        rows = bench(QUICK if quick else FULL, names or CNNS + [ENCODER],
                     sizes or [224, 97], tmp, skipped)
    return report(rows, skipped)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--models", help="comma-separated subset of "
                        + ",".join(CNNS + [ENCODER]))
    parser.add_argument("--sizes", help="comma-separated CNN input sizes")
    args = parser.parse_args()
    names = args.models.split(",") if args.models else None
    for name in names or []:
        if name not in CNNS + [ENCODER]:
            parser.error(f"unknown zoo model '{name}'")
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    text, line = run(args.quick, names, sizes)
    print(text)
    print(line)


if __name__ == "__main__":
    main()
