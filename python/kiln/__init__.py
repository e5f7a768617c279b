"""Kiln: an MLIR-based tensor compiler.

    import kiln, numpy as np
    m = kiln.compile("model.onnx")          # or .mlir, onnx.ModelProto, kiln.Graph,
    y = m(x)                                # MLIR text, torch.nn.Module + example_inputs
    m.save("model.so"); m2 = kiln.load("model.so")

kiln.torch (imported on first use, so that `import kiln` does not need torch)
compiles torch.nn.Modules through torch.fx.
"""
from ._kiln import Error
from .compiler import CompiledModule, compile, import_onnx, load
from .graph import Graph, Value

__all__ = ["Error", "CompiledModule", "compile", "import_onnx", "load",
           "Graph", "Value"]


def __getattr__(name):
    if name == "torch":  # `kiln.torch.compile(...)` after a plain `import kiln`
        import importlib
        return importlib.import_module(".torch", __name__)
    raise AttributeError(f"module 'kiln' has no attribute '{name}'")
