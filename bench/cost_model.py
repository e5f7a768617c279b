#!/usr/bin/python3
"""The learned cost model against the heuristic, end to end, in one run.

    /usr/bin/python3 bench/cost_model.py [--quick]

1. Every bench model and every model held out from the shipped cost model's
   training, compiled twice (cost_model="heuristic" and "learned") and timed
   interleaved (heuristic, learned, heuristic, ...) at 1 and 2 threads.
2. `--tune=8` against exhaustive measurement: kernels with at most 400
   candidates are measured exhaustively (kiln-tune collect
   --exhaustive-only); the schedule --tune=8 keeps for each is looked up in
   those measurements.
3. The compile time of resnet50 with and without the learned model's
   predictions (the heuristic predicts nothing).

Ends with `bench-cost-model: models_min=<x> held_out_geomean=<x>
tune8_within_3pct=<n>/<m> predict_overhead=<x>`.
"""
import argparse
import gzip
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import torch

import peers

sys.path.insert(0, os.path.join(peers.ROOT, "build", "python_packages"))
sys.path.insert(0, os.path.join(peers.ROOT, "costmodel", "corpus"))
import export_models  # noqa: E402
import kiln  # noqa: E402

warnings.filterwarnings("ignore")
BIN = os.path.join(peers.ROOT, "build", "bin")


def log(msg):
    print(f"[cost-model bench] {msg}", file=sys.stderr, flush=True)


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def bench_models():
    """(name, module, input shape, held out)."""
    corpus = export_models.corpus()
    mlp = export_models.mlp([1024, 2048, 2048, 1000])
    encoder = torch.nn.TransformerEncoderLayer(256, 8, 1024, dropout=0.0,
                                               batch_first=True)
    import torchvision
    rows = [("mlp b1", mlp, (1, 1024), False), ("mlp b8", mlp, (8, 1024), False),
            ("resnet18", torchvision.models.resnet18(), (1, 3, 224, 224), False),
            ("mobilenet_v2", torchvision.models.mobilenet_v2(), (1, 3, 224, 224), False),
            ("transformer b1", encoder, (1, 128, 256), False),
            ("transformer b8", encoder, (8, 128, 256), False)]
    for name in export_models.HELD_OUT:
        module, shape = corpus[name]
        rows.append((name, module, shape, True))
    return rows


def export(module, shape, path):
    module.eval()
    export_models.randomize_batchnorm(module)
    torch.onnx.export(module, torch.randn(*shape), path, opset_version=13,
                      input_names=["x"], output_names=["y"])


def compare_models(tmp, threads, pairs):
    rows = []
    torch.manual_seed(0)
    for name, module, shape, held_out in bench_models():
        log(f"model {name}")
        path = os.path.join(tmp, name.replace(" ", "_") + ".onnx")
        export(module, shape, path)
        x = torch.randn(*shape).numpy()
        compiled = {kind: kiln.compile(path, cost_model=kind)
                    for kind in ("heuristic", "learned")}
        for t in threads:
            times = {"heuristic": [], "learned": []}
            for _ in range(pairs):
                for kind, model in compiled.items():
                    model.threads = t
                    times[kind].append(peers.timeit(lambda: model.run(x), 5)["median_ms"])
            h, l = (statistics.median(times[k]) for k in ("heuristic", "learned"))
            spread = max(times["learned"]) / min(times["learned"]) - 1
            rows.append(dict(model=name, threads=t, held_out=held_out,
                             heuristic_ms=h, learned_ms=l, ratio=h / l,
                             spread=spread))
    return rows


def tune_against_exhaustive(tmp):
    """Per exhaustively measured kernel: best latency, --tune=8's pick's."""
    corpus = export_models.corpus()
    models = []
    for name in ("mlp_784_b1", "gpt_384_s64", "encoder_256_s128"):
        module, shape = corpus[name]
        path = os.path.join(tmp, name + ".onnx")
        export(module, shape, path)
        models.append(path)
    data = os.path.join(tmp, "exhaustive.jsonl")
    log("exhaustive measurement of the kernels with <= 400 candidates")
    subprocess.run([os.path.join(BIN, "kiln-tune"), "collect", *models, "--out", data,
                    "--max-candidates=400", "--exhaustive-only", "--rounds=5",
                    "--retest-every=0", "--quiet"], check=True)
    database = os.path.join(tmp, "tuning.json")
    for path in models:
        log(f"--tune=8 {os.path.basename(path)}")
        subprocess.run([os.path.join(BIN, "kiln-compile"), path, "-o",
                        os.path.join(tmp, "tuned.so"), "--tune=8",
                        "--tuning-db", database], check=True)
    entries = json.load(open(database))["entries"]
    rows = []
    for line in open(data):
        record = json.loads(line)
        tuned = next((e for key, e in entries.items()
                      if key.endswith("/" + record["hash"])), None)
        if not tuned:
            continue
        latency = {c["schedule"]: c["latency"] for c in record["candidates"]}
        if tuned["schedule"] not in latency:
            continue
        best = min(latency.values())
        rows.append(dict(model=record["model"], kernel=record["hash"],
                         candidates=len(latency), best_us=best * 1e6,
                         tuned_us=latency[tuned["schedule"]] * 1e6,
                         score=best / latency[tuned["schedule"]]))
    return rows


def compile_overhead(tmp, repeats):
    import torchvision
    path = os.path.join(tmp, "resnet50.onnx")
    export(torchvision.models.resnet50(), (1, 3, 224, 224), path)
    times = {"heuristic": [], "learned": []}
    for _ in range(repeats):
        for kind in times:
            log(f"compile resnet50 ({kind})")
            t0 = time.perf_counter()
            subprocess.run([os.path.join(BIN, "kiln-compile"), path, "-o",
                            os.path.join(tmp, "r50.so"), f"--cost-model={kind}"],
                           check=True)
            times[kind].append(time.perf_counter() - t0)
    h, l = min(times["heuristic"]), min(times["learned"])
    return dict(heuristic_s=h, learned_s=l, overhead=l / h - 1)


def report(models, tuned, overhead):
    lines = ["| model | threads | heuristic ms | learned ms | heuristic/learned | learned spread |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in models:
        name = r["model"] + (" (held out)" if r["held_out"] else "")
        lines.append(f"| {name} | {r['threads']} | {r['heuristic_ms']:.3f} | "
                     f"{r['learned_ms']:.3f} | {r['ratio']:.3f} | {r['spread'] * 100:.0f}% |")
    lines += ["", "| kernel | candidates | exhaustive best us | --tune=8 pick us | score |",
              "| --- | --- | --- | --- | --- |"]
    for r in tuned:
        lines.append(f"| {r['model']}/{r['kernel'][:8]} | {r['candidates']} | "
                     f"{r['best_us']:.2f} | {r['tuned_us']:.2f} | {r['score']:.3f} |")
    lines += ["", f"resnet50 at 224, -O3 compile: heuristic {overhead['heuristic_s']:.1f} s, "
              f"learned {overhead['learned_s']:.1f} s (best of runs): "
              f"{overhead['overhead'] * 100:+.1f}%"]
    bench_min = min(r["ratio"] for r in models if not r["held_out"])
    held = geomean([r["ratio"] for r in models if r["held_out"]])
    within = sum(r["score"] >= 1 / 1.03 for r in tuned)
    line = (f"bench-cost-model: models_min={bench_min:.3f} held_out_geomean={held:.3f} "
            f"tune8_within_3pct={within}/{len(tuned)} "
            f"predict_overhead={overhead['overhead']:.3f}")
    return "\n".join(lines), line


def run(quick=False):
    with tempfile.TemporaryDirectory(prefix="kiln-cost-bench-") as tmp:
        models = compare_models(tmp, [1] if quick else [1, 2], 2 if quick else 3)
        tuned = tune_against_exhaustive(tmp)
        overhead = compile_overhead(tmp, 1 if quick else 2)
    return report(models, tuned, overhead)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    text, line = run(args.quick)
    print(text)
    print(line)


if __name__ == "__main__":
    main()
