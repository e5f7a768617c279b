"""kiln.Graph: write kiln graphs in Python.

    g = kiln.Graph()
    x = g.input("x", (None, 784))                 # None: a dynamic dimension
    h = g.relu(g.matmul(x, g.constant(w1)) + b1)  # numpy arrays become constants
    g.output(g.softmax(h, axis=-1), "probs")
    m = kiln.compile(g)

Every kiln op is available as a method named after it (g.conv2d, g.reshape,
g.reduce_mean, ...); keyword arguments are its attributes. Result types are
inferred by the op itself, so a bad shape fails right at the call with the
op's message.
"""
import numpy as np

from . import _kiln


class Value:
    """A tensor in a Graph."""

    def __init__(self, graph, ident):
        self.graph = graph
        self.id = ident

    @property
    def shape(self):
        return self.graph._builder.shape(self.id)

    @property
    def element_type(self):
        return self.graph._builder.element_type(self.id)

    def _binary(self, op, other, reverse=False):
        other = self.graph._as_value(other, like=self)
        lhs, rhs = (other, self) if reverse else (self, other)
        return self.graph.op(op, lhs, rhs)

    def __add__(self, o): return self._binary("add", o)
    def __radd__(self, o): return self._binary("add", o, True)
    def __sub__(self, o): return self._binary("sub", o)
    def __rsub__(self, o): return self._binary("sub", o, True)
    def __mul__(self, o): return self._binary("mul", o)
    def __rmul__(self, o): return self._binary("mul", o, True)
    def __truediv__(self, o): return self._binary("div", o)
    def __rtruediv__(self, o): return self._binary("div", o, True)
    def __matmul__(self, o): return self._binary("matmul", o)
    def __neg__(self): return self.graph.op("neg", self)

    def __repr__(self):
        dims = "x".join("?" if d is None else str(d) for d in self.shape)
        return f"<kiln.Value #{self.id}: tensor<{dims}x{self.element_type}>>"


_NUMPY_OF_ELEMENT = {"f32": np.float32, "f64": np.float64, "f16": np.float16,
                     "i1": np.bool_, "i8": np.int8, "i16": np.int16,
                     "i32": np.int32, "i64": np.int64}


class Graph:
    def __init__(self):
        self._builder = _kiln.GraphBuilder()

    def input(self, name, shape, dtype="float32"):
        return Value(self, self._builder.add_input(name, np.dtype(dtype).name,
                                                   list(shape)))

    def constant(self, value, dtype=None):
        # np.ascontiguousarray would turn a scalar into a 1-D array.
        array = np.asarray(value, dtype=dtype)
        if not array.flags.c_contiguous:
            array = array.copy()
        return Value(self, self._builder.add_constant(array))

    def output(self, value, name=None):
        self._builder.add_output(value.id, name or f"output{value.id}")

    def op(self, name, *operands, **attributes):
        """Adds kiln.<name>; operands may be Values or numpy-convertible
        constants."""
        like = next((o for o in operands if isinstance(o, Value)), None)
        ids = [self._as_value(o, like).id for o in operands]
        return Value(self, self._builder.add_op(name, ids, attributes))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *operands, **attributes: self.op(name, *operands,
                                                       **attributes)

    def _as_value(self, operand, like=None):
        if isinstance(operand, Value):
            return operand
        dtype = None
        if like is not None and np.isscalar(operand):
            dtype = _NUMPY_OF_ELEMENT.get(like.element_type)
        return self.constant(operand, dtype=dtype)

    def to_mlir(self):
        return self._builder.to_mlir()
