"""Plots a `kiln-tune eval --report` CSV: predicted against measured latency
for the learned and analytical models, and the top-1 score per held-out
model for every chooser.

    /usr/bin/python3 costmodel/corpus/plot_eval.py REPORT.csv OUT.png
"""
import collections
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    report, out = sys.argv[1], sys.argv[2]
    rows = list(csv.DictReader(open(report)))
    fig, (scatter, bars) = plt.subplots(1, 2, figsize=(12, 5))
    for kind, colour in (("analytical", "tab:orange"), ("learned", "tab:blue")):
        scatter.scatter([float(r["measured"]) * 1e6 for r in rows],
                        [float(r[kind]) * 1e6 for r in rows], s=4, alpha=0.5,
                        c=colour, label=kind)
    scatter.set(xscale="log", yscale="log", xlabel="measured latency (us)",
                ylabel="predicted latency (us)",
                title="held-out candidates: predicted vs measured")
    lo, hi = scatter.get_xlim()
    scatter.plot([lo, hi], [lo, hi], "k--", lw=0.8)
    scatter.legend()

    kernels = collections.defaultdict(list)
    for r in rows:
        kernels[(r["model"], r["kernel"])].append(r)
    score = collections.defaultdict(lambda: collections.defaultdict(float))
    weight = collections.defaultdict(float)
    for (model, _), candidates in kernels.items():
        best = min(float(c["measured"]) for c in candidates)
        w = float(candidates[0]["weight"])
        weight[model] += w
        for kind in ("learned", "analytical"):
            pick = min(candidates, key=lambda c: float(c[kind]))
            score[model][kind] += w * best / float(pick["measured"])
        heuristic = next((c for c in candidates if c["heuristic"] == "1"), candidates[0])
        score[model]["heuristic"] += w * best / float(heuristic["measured"])
        score[model]["random"] += w * sum(best / float(c["measured"])
                                          for c in candidates) / len(candidates)
    models = sorted(score)
    kinds = ("learned", "analytical", "heuristic", "random")
    for i, kind in enumerate(kinds):
        bars.bar([m + i * 0.2 for m in range(len(models))],
                 [score[m][kind] / weight[m] for m in models], width=0.2, label=kind)
    bars.set_xticks([m + 0.3 for m in range(len(models))], models, rotation=15)
    bars.set(ylim=(0.5, 1.0), ylabel="top-1 score (time-weighted)",
             title="top-1 score per held-out model")
    bars.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(out, dpi=90)


if __name__ == "__main__":
    main()
