"""kiln.compile / kiln.load: from any supported source to a callable model."""
import os
import shutil
import tempfile
import weakref

import numpy as np

from . import _kiln


def _source_of(source, example_inputs):
    """Returns (bytes, name) for the C++ compiler; the name's extension tells
    it whether the bytes are MLIR text or an ONNX model."""
    from .graph import Graph

    if isinstance(source, Graph):
        return source.to_mlir().encode(), "graph.mlir"
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), "model.onnx"
    if isinstance(source, (str, os.PathLike)):
        text = os.fspath(source)
        if "func.func" in text or text.lstrip().startswith("module"):
            return text.encode(), "<string>.mlir"
        if not os.path.exists(text):
            raise _kiln.Error(f"cannot open '{text}': no such file")
        if not text.endswith((".onnx", ".mlir")):
            raise _kiln.Error(f"cannot tell the format of '{text}': expected "
                              ".onnx or .mlir")
        with open(text, "rb") as f:
            return f.read(), text
    if type(source).__name__ == "ModelProto":
        return source.SerializeToString(), "model.onnx"
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None and isinstance(source, torch.nn.Module):
        if example_inputs is None:
            raise _kiln.Error("compiling a torch.nn.Module needs example_inputs")
        from .torch import export_to_mlir
        return export_to_mlir(source, example_inputs).encode(), "<torch.fx>.mlir"
    raise _kiln.Error(f"cannot compile a {type(source).__name__}: expected a "
                      ".onnx/.mlir path, MLIR text, an onnx.ModelProto, a "
                      "kiln.Graph or a torch.nn.Module")


class CompiledModule:
    """A compiled model: call it on numpy arrays (positionally in input order,
    or by input name) to get numpy arrays back."""

    def __init__(self, path, owned_dir=None, threads=0):
        self._model = _kiln.load(path)
        self.threads = threads
        self._path = path
        if owned_dir:
            self._cleanup = weakref.finalize(self, shutil.rmtree, owned_dir, True)
        entry = self._model.entry_point("main")
        self.inputs = entry["inputs"]
        self.outputs = entry["outputs"]

    @property
    def metadata(self):
        return self._model.metadata

    @property
    def threads(self):
        """Threads the kernels run on; 0 means the default (the
        KILN_NUM_THREADS environment variable, else one per core)."""
        return self._model.threads

    @threads.setter
    def threads(self, count):
        if isinstance(count, bool) or not isinstance(count, int):
            raise _kiln.Error(f"threads must be an int, got {count!r}")
        self._model.threads = count

    def __call__(self, *args, **kwargs):
        outputs = self.run(*args, **kwargs)
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def run(self, *args, **kwargs):
        """Runs the model; always returns a list of outputs."""
        names = [spec["name"] for spec in self.inputs]
        values = list(args)
        for name in names[len(values):]:
            if name not in kwargs:
                raise _kiln.Error(f"missing input '{name}'")
            values.append(kwargs.pop(name))
        if kwargs:
            raise _kiln.Error(f"unknown inputs {sorted(kwargs)}; the model "
                              f"takes {names}")
        return self._model.run([np.asarray(v) for v in values], "main")

    def save(self, path):
        """Writes the compiled shared library (the same kind of .so that
        kiln-compile writes, loadable with kiln.load or kiln-run)."""
        shutil.copyfile(self._path, path)


def compile(source, target="cpu", opt_level=3, example_inputs=None,
            vector_width=0, threads=0, cost_model="default", cost_model_path="",
            tune=0, tuning_db="", explain=False):
    """Compiles `source` for `target` and returns a CompiledModule that runs
    on `threads` threads (0: KILN_NUM_THREADS, else one per core).

    `cost_model` picks each kernel's schedule: "default" (the learned model
    for the host if present, else "analytical"), "learned", "analytical" or
    "heuristic"; `tune=N` measures the model's top N per kernel and keeps
    the fastest (remembered in `tuning_db`, default ~/.cache/kiln/tuning.json);
    `explain=True` prints each kernel's ranked candidates to stderr."""
    if cost_model not in ("default", "learned", "analytical", "heuristic"):
        raise _kiln.Error(f"cost_model='{cost_model}' is not one of default, "
                          "learned, analytical, heuristic")
    if not isinstance(tune, int) or tune < 0:
        raise _kiln.Error(f"tune={tune!r} must be an integer >= 0")
    data, name = _source_of(source, example_inputs)
    directory = tempfile.mkdtemp(prefix="kiln-")
    path = os.path.join(directory, "model.so")
    try:
        _kiln.compile_to_file(data, name, path, "so", opt_level, vector_width,
                              target, cost_model, cost_model_path, tune,
                              tuning_db, explain)
    except Exception:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return CompiledModule(path, directory, threads)


def load(path, threads=0):
    """Loads a model compiled to a shared library (see compile for
    `threads`)."""
    if not os.path.exists(path):
        raise _kiln.Error(f"cannot open model '{path}': no such file")
    return CompiledModule(os.path.abspath(path), threads=threads)


def import_onnx(model):
    """Imports an ONNX model (path, bytes or ModelProto) as kiln MLIR text."""
    data, name = _source_of(model, None)
    return _kiln.import_onnx(data, name if name.endswith(".onnx") else "model.onnx")
