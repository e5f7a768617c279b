"""Timing helpers and the peers Kiln is measured against: OpenBLAS sgemm
(ctypes), PyTorch eager and ONNX Runtime (onnxruntime-node, via Node.js)."""
import ctypes
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
NODE_DIR = os.path.join(ROOT, "build", "bench-node")  # npm cache, not committed


# After its last parallel region each runtime's idle workers spin for a while
# (libomp's KMP_BLOCKTIME is 200 ms; libgomp and OpenBLAS spin too). On two
# cores a spinning worker of the runtime timed before takes a core from the
# one timed now, so every measurement first lets them go to sleep.
SETTLE_S = 0.3


# A runtime's worker threads start on the core of the thread that made them
# and take tens of milliseconds to spread over the cores: the first 20-40 ms
# of 2-thread runs of a 256^3 matmul took 0.24 ms a call, then 0.105 ms.
# Every measurement first runs its function for this long.
WARMUP_S = 0.1


def settle():
    time.sleep(SETTLE_S)


def timeit(fn, repeats, min_sample_s=0.002):
    """Median/min/max milliseconds per call of fn() over `repeats` samples.
    A sample runs fn enough times to last min_sample_s, so that tiny
    kernels are not dominated by the timer."""
    settle()
    start = time.perf_counter()
    while True:  # warm-up
        t0 = time.perf_counter()
        fn()
        once = time.perf_counter() - t0
        if t0 + once - start >= WARMUP_S:
            break
    inner = max(1, int(min_sample_s / max(once, 1e-9)))
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner * 1e3)
    return {"median_ms": statistics.median(samples), "min_ms": min(samples),
            "max_ms": max(samples)}


class OpenBLAS:
    """cblas_sgemm from Debian's libopenblas0-pthread, loaded with ctypes."""
    PATHS = ["/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
             "libopenblas.so.0"]

    def __init__(self):
        self.lib = None
        for path in self.PATHS:
            try:
                self.lib = ctypes.CDLL(path)
                self.path = path
                break
            except OSError:
                continue
        if self.lib is None:
            raise OSError("libopenblas.so.0 not found (apt-get install "
                          "libopenblas0-pthread)")
        self.lib.cblas_sgemm.restype = None
        self.lib.openblas_get_config.restype = ctypes.c_char_p

    def config(self):
        return self.lib.openblas_get_config().decode()

    def set_threads(self, n):
        self.lib.openblas_set_num_threads(ctypes.c_int(n))

    def sgemm(self, a, b, c):
        """c = a @ b for C-contiguous float32 matrices."""
        m, k = a.shape
        n = b.shape[1]
        f, i = ctypes.c_float, ctypes.c_int
        ptr = lambda x: x.ctypes.data_as(ctypes.c_void_p)
        # CblasRowMajor=101, CblasNoTrans=111
        self.lib.cblas_sgemm(i(101), i(111), i(111), i(m), i(n), i(k), f(1.0),
                             ptr(a), i(k), ptr(b), i(n), f(0.0), ptr(c), i(n))


def ensure_ort():
    """Installs onnxruntime-node into build/bench-node if needed; returns
    None when it is usable, else why not."""
    if subprocess.run(["which", "node"], capture_output=True).returncode:
        return "node not found"
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "onnxruntime-node")):
        os.makedirs(NODE_DIR, exist_ok=True)
        env = dict(os.environ, ONNXRUNTIME_NODE_INSTALL="skip")
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund",
                            "onnxruntime-node"], cwd=NODE_DIR, env=env,
                           capture_output=True, text=True)
        if r.returncode:
            return "npm install onnxruntime-node failed: " + r.stderr[-300:]
    r = subprocess.run(["node", "-e", "require('onnxruntime-node')"],
                       cwd=NODE_DIR, capture_output=True, text=True)
    if r.returncode:
        return "onnxruntime-node does not load: " + r.stderr.strip()[-300:]
    return None


def ort_time(model_path, inputs, threads, runs):
    """Times model_path under ONNX Runtime; inputs: {name: float32 array}."""
    settle()
    with tempfile.TemporaryDirectory(prefix="kiln-ort-") as tmp:
        specs = []
        for name, array in inputs.items():
            file = os.path.join(tmp, name + ".bin")
            np.ascontiguousarray(array, dtype="<f4").tofile(file)
            specs.append({"name": name, "file": file, "shape": list(array.shape)})
        spec_file = os.path.join(tmp, "spec.json")
        with open(spec_file, "w") as f:
            json.dump({"model": os.path.abspath(model_path), "threads": threads,
                       "runs": runs, "warmup_s": WARMUP_S, "inputs": specs}, f)
        env = dict(os.environ, NODE_PATH=os.path.join(NODE_DIR, "node_modules"))
        r = subprocess.run(["node", os.path.join(BENCH_DIR, "ort_runner.js"),
                            spec_file], env=env, capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError("ort_runner.js: " + r.stderr.strip()[-300:])
        return json.loads(r.stdout.strip().splitlines()[-1])
