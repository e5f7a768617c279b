"""Bar chart of speed ratios (peer time / Kiln time, log scale) as a PNG.
Uses matplotlib when it is installed (Debian: python3-matplotlib); otherwise
writes unlabeled bars with a tiny PNG writer (zlib + struct)."""
import math
import struct
import zlib

import numpy as np


def plot(rows, path):
    """rows: [(label, ratio)]; > 1 means Kiln is faster."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        _plain_png([r for _, r in rows], path)
        return "plain"
    labels = [label for label, _ in rows]
    ratios = [ratio for _, ratio in rows]
    fig, ax = plt.subplots(figsize=(9, 0.22 * len(rows) + 1.2))
    ax.barh(range(len(rows)), ratios,
            color=["tab:green" if r >= 1 else "tab:red" for r in ratios])
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("speed ratio: peer time / Kiln time (> 1: Kiln faster)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return "matplotlib"


def _plain_png(ratios, path, width=600, bar=8):
    """One horizontal bar per ratio on a log2 axis centred on 1 (the black
    line); green where Kiln is faster, red where slower. Range 1/64..64."""
    height = bar * len(ratios) + 4
    img = np.full((height, width, 3), 255, np.uint8)
    mid, scale = width // 2, (width // 2 - 2) / 6.0
    for i, r in enumerate(ratios):
        x = mid + int(max(-6.0, min(6.0, math.log2(r))) * scale)
        y0 = 2 + i * bar
        lo, hi = sorted((mid, x))
        img[y0:y0 + bar - 2, lo:hi + 1] = (40, 160, 40) if r >= 1 else (200, 50, 50)
    img[:, mid] = 0
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))
