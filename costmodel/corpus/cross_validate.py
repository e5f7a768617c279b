#!/usr/bin/env python3
"""Leave-models-out cross-validation of the learned cost model.

Model selection (objective, depth, rounds) must not look at the held-out
models: this script drops them from the dataset, splits the remaining
training models into folds, and for each fold trains `kiln-tune train` on
the other folds and evaluates with `kiln-tune eval` on it. It prints each
fold's `cost-model:` line and the mean of every metric.

  /usr/bin/python3 costmodel/corpus/cross_validate.py \
      costmodel/data/x86_64-avx512.jsonl.gz -- --objective=residual

Arguments after `--` go to `kiln-tune train`.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HELD_OUT = "resnext50_32x4d,mobilenet_v3_small,convnext_tiny,bert_768_s32"
METRIC = re.compile(r"learned top1=([\d.]+) top5=([\d.]+) pairwise=([\d.]+) tau=([\d.]+)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", help="a dataset written by kiln-tune collect")
    parser.add_argument("--held-out", default=HELD_OUT,
                        help="models never used, not even for validation")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--kiln-tune", default=os.path.join(ROOT, "build/bin/kiln-tune"))
    args, train_args = parser.parse_known_args()
    train_args = [a for a in train_args if a != "--"]

    held_out = set(args.held_out.split(","))
    lines = []
    with gzip.open(args.data, "rt") as f:
        for line in f:
            if json.loads(line)["model"] not in held_out:
                lines.append(line)
    models = sorted({json.loads(line)["model"] for line in lines})
    if len(models) < args.folds:
        sys.exit(f"cross_validate: {len(models)} training models, fewer than {args.folds} folds")
    folds = [models[i::args.folds] for i in range(args.folds)]

    totals = [0.0] * 4
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "training.jsonl.gz")
        with gzip.open(data, "wt") as f:
            f.writelines(lines)
        for index, fold in enumerate(folds):
            model = os.path.join(tmp, f"fold{index}.json")
            subprocess.run([args.kiln_tune, "train", data, "--out", model,
                            "--hold-out=" + ",".join(fold)] + train_args,
                           check=True, stdout=subprocess.DEVNULL)
            out = subprocess.run([args.kiln_tune, "eval", data, "--model", model],
                                 check=True, capture_output=True, text=True).stdout
            match = METRIC.search(out)
            if not match:
                sys.exit(f"cross_validate: no metrics in kiln-tune eval's output:\n{out}")
            values = [float(v) for v in match.groups()]
            totals = [t + v for t, v in zip(totals, values)]
            print(f"fold {index} ({', '.join(fold)}): top1={values[0]:.3f} "
                  f"top5={values[1]:.3f} pairwise={values[2]:.3f} tau={values[3]:.3f}")
    mean = [t / args.folds for t in totals]
    print(f"cross-validation: top1={mean[0]:.3f} top5={mean[1]:.3f} "
          f"pairwise={mean[2]:.3f} tau={mean[3]:.3f} ({args.folds} folds, {len(models)} models)")


if __name__ == "__main__":
    main()
