"""Kiln: an MLIR-based tensor compiler.

    import kiln, numpy as np
    m = kiln.compile("model.onnx")          # or .mlir, onnx.ModelProto, kiln.Graph,
    y = m(x)                                # MLIR text, torch.nn.Module + example_inputs
    m.save("model.so"); m2 = kiln.load("model.so")
"""
from ._kiln import Error
from .compiler import CompiledModule, compile, import_onnx, load
from .graph import Graph, Value

__all__ = ["Error", "CompiledModule", "compile", "import_onnx", "load",
           "Graph", "Value"]
