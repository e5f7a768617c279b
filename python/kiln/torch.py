"""kiln.torch: PyTorch modules into Kiln through torch.fx.

    import kiln.torch
    fn = kiln.torch.compile(model.eval(), (x,))     # torch tensors in and out
    y = fn(x)
    text = kiln.torch.export_to_mlir(model, (x,))   # the kiln MLIR it compiles

The module is traced symbolically with torch.fx, the example inputs give every
node its shape (torch.fx.passes.shape_prop.ShapeProp), and each node becomes
kiln ops through kiln.Graph. Parameters and buffers become constants, so the
model is compiled for inference (eval mode) with the example input shapes.
Modules from torch.nn that torch.fx cannot trace into (MultiheadAttention,
TransformerEncoderLayer, ...) are lowered here from their submodules.

On torch >= 2 the same importer is also the `torch.compile` backend "kiln":
`torch.compile(model, backend="kiln")`.
"""
import dis
import inspect
import math
import operator

import numpy as np
import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
from torch.fx.passes.shape_prop import ShapeProp, TensorMetadata

from ._kiln import Error
from .graph import Graph, Value

__all__ = ["export_to_mlir", "compile", "CompiledTorchModule"]


# ----------------------------------------------------------------------------
# Tracing
# ----------------------------------------------------------------------------

class _Proxy(torch.fx.Proxy):
    def __iter__(self):
        # `a, b = proxy`: torch 1.13 finds the UNPACK_SEQUENCE at index
        # f_lasti // 2 of the instructions, which is wrong on Python 3.11
        # (dis hides the inline caches); look it up by its offset instead.
        frame = inspect.currentframe().f_back
        for inst in dis.get_instructions(frame.f_code):
            if inst.offset == frame.f_lasti:
                if inst.opname == "UNPACK_SEQUENCE":
                    return (self[i] for i in range(inst.argval))
                break
        return self.tracer.iter(self)


class _Tracer(torch.fx.Tracer):
    """The default tracer, but modules lowered here are always leaves (the
    default already keeps torch.nn modules other than Sequential whole)."""

    def is_leaf_module(self, m, qualname):
        return _module_lowering(m) is not None or super().is_leaf_module(
            m, qualname)

    def proxy(self, node):
        return _Proxy(node, self)


def _forward_parameters(module):
    """The names of forward's positional parameters (without self)."""
    try:
        signature = inspect.signature(module.forward)
    except (TypeError, ValueError):
        return []
    return [p.name for p in signature.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _trace(module, count):
    """A torch.fx.GraphModule for `module` taking `count` tensors."""
    if isinstance(module, torch.fx.GraphModule):
        return module
    if _module_lowering(module) is not None:
        # A module lowered here as a whole (e.g. a TransformerEncoderLayer,
        # whose forward has data-dependent control flow): one call_module
        # node in a graph of its own.
        names = _forward_parameters(module)[:count]
        names += [f"input{i}" for i in range(len(names), count)]
        graph = torch.fx.Graph()
        placeholders = [graph.placeholder(n) for n in names]
        graph.output(graph.call_module("module", tuple(placeholders)))
        root = nn.Module()
        root.module = module
        return torch.fx.GraphModule(root, graph)
    try:
        graph = _Tracer().trace(module)
    except Exception as e:  # torch.fx reports untraceable code in many ways
        raise Error(f"torch.fx cannot trace {type(module).__name__}: "
                    f"{type(e).__name__}: {e}") from None
    return torch.fx.GraphModule(module, graph)


def _as_tuple(example_inputs):
    if isinstance(example_inputs, torch.Tensor):
        return (example_inputs,)
    inputs = tuple(example_inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, torch.Tensor):
            raise Error(f"example input #{i} is a {type(x).__name__}; "
                        "kiln.torch takes tensors")
    return inputs


# ----------------------------------------------------------------------------
# The lowering context
# ----------------------------------------------------------------------------

def _ints(value, n=None):
    """An int or a sequence of ints as a list (of length n for an int)."""
    if isinstance(value, int):
        return [value] * (n or 1)
    return [int(v) for v in value]


class _Lowering:
    """Emits kiln ops for the nodes of one GraphModule into a kiln.Graph."""

    def __init__(self, gm):
        self.gm = gm
        self.g = Graph()
        # id(tensor) (or ("transposed", id)) -> (tensor, Value); holding the
        # tensor keeps its id from being reused.
        self._constants = {}

    # -- values --------------------------------------------------------------

    def constant(self, tensor):
        """A parameter, buffer or other tensor as a kiln constant (shared
        between uses)."""
        if isinstance(tensor, np.ndarray):
            return self.g.constant(tensor)
        key = id(tensor)
        if key not in self._constants:
            array = tensor.detach().cpu().contiguous().numpy()
            self._constants[key] = (tensor, self.g.constant(array))
        return self._constants[key][1]

    def value(self, x, like=None):
        """A kiln Value for a Value, tensor or Python number."""
        if isinstance(x, Value):
            return x
        if isinstance(x, (torch.Tensor, np.ndarray)):
            return self.constant(x)
        if isinstance(x, (int, float, bool)) and like is not None:
            return self.g._as_value(x, like)
        raise Error(f"expected a tensor, got {type(x).__name__} {x!r}")

    def scalar(self, number, like):
        return self.g._as_value(float(number) if _is_float(like) else number,
                                like)

    def op(self, name, *operands, **attributes):
        return self.g.op(name, *operands, **attributes)

    @staticmethod
    def shape(x):
        shape = x.shape
        if any(d is None for d in shape):
            raise Error("dynamic dimensions are not supported by the torch.fx "
                        "importer")
        return list(shape)

    # -- common pieces -----------------------------------------------------------

    def linear(self, x, weight, bias):
        """x @ weight^T + bias; a constant weight is transposed here."""
        if isinstance(weight, torch.Tensor):
            key = ("transposed", id(weight))
            if key not in self._constants:  # (a tied weight: once)
                self._constants[key] = (weight, self.g.constant(
                    weight.detach().cpu().t().contiguous().numpy()))
            w_t = self._constants[key][1]
        else:
            w_t = self.transpose_last(weight)
        if len(x.shape) == 2 and len(w_t.shape) == 2:
            operands = [x, w_t] + ([self.value(bias)] if bias is not None else [])
            return self.op("gemm", *operands)
        y = self.matmul(x, w_t)
        return y if bias is None else self.op("add", y, self.value(bias))

    def transpose_last(self, x):
        perm = list(range(len(x.shape)))
        perm[-1], perm[-2] = perm[-2], perm[-1]
        return self.op("transpose", x, perm=perm)

    def matmul(self, a, b):
        """torch.matmul, with NumPy's rules for 1-D operands."""
        vec_a, vec_b = len(a.shape) == 1, len(b.shape) == 1
        if vec_a:
            a = self.op("unsqueeze", a, axes=[0])
        if vec_b:
            b = self.op("unsqueeze", b, axes=[1])
        y = self.op("matmul", a, b)
        axes = []
        if vec_a:
            axes.append(len(y.shape) - 2)
        if vec_b:
            axes.append(len(y.shape) - 1)
        return self.op("squeeze", y, axes=axes) if axes else y

    def reshape(self, x, shape):
        """torch's view/reshape: sizes are sizes (0 is an empty dimension),
        one -1 is inferred."""
        shape = _ints(shape)
        if 0 in shape:
            raise Error("reshaping to an empty dimension is not supported")
        return self.op("reshape", x, shape=shape)

    def flatten(self, x, start=0, end=-1):
        shape = self.shape(x)
        rank = len(shape)
        if rank == 0:
            return self.reshape(x, [1])
        start, end = start % rank, end % rank
        new = shape[:start] + [math.prod(shape[start:end + 1])] + shape[end + 1:]
        return self.reshape(x, new)

    def permute(self, x, dims):
        rank = len(x.shape)
        return self.op("transpose", x, perm=[d % rank for d in _ints(dims)])

    def swap(self, x, a, b):
        rank = len(x.shape)
        perm = list(range(rank))
        a, b = a % rank, b % rank
        perm[a], perm[b] = perm[b], perm[a]
        return self.op("transpose", x, perm=perm)

    def reduce(self, name, x, dim=None, keepdim=False):
        if dim is None:
            axes = []
        else:
            axes = _ints(dim)
        return self.op(name, x, axes=axes, keepdims=bool(keepdim))

    def softmax(self, x, dim, log=False):
        if dim is None:
            raise Error("softmax without dim is not supported; pass dim")
        return self.op("log_softmax" if log else "softmax", x, axis=int(dim))

    def clip(self, x, low=None, high=None):
        attrs = {}
        if low is not None:
            attrs["min"] = float(low)
        if high is not None:
            attrs["max"] = float(high)
        return self.op("clip", x, **attrs) if attrs else x

    def gelu(self, x, approximate="none"):
        return self.op("gelu", x, approximate=approximate)

    def layer_norm(self, x, normalized_shape, weight, bias, eps):
        count = len(_ints(normalized_shape))
        if weight is None:
            weight = np.ones(_ints(normalized_shape), dtype=np.float32)
        operands = [x, self.value(weight)]
        if bias is not None:
            operands.append(self.value(bias))
        return self.op("layer_norm", *operands, axis=-count, epsilon=float(eps))

    def conv2d(self, x, weight, bias, stride, padding, dilation, groups):
        weight = self.value(weight)
        kernel = self.shape(weight)[2:]
        stride, dilation = _ints(stride, 2), _ints(dilation, 2)
        if isinstance(padding, str):
            if padding == "valid":
                pads = [0, 0, 0, 0]
            elif padding == "same":
                # torch puts the odd cell of padding at the end.
                pads = [0] * 4
                for i in range(2):
                    total = dilation[i] * (kernel[i] - 1)
                    pads[i] = total // 2
                    pads[i + 2] = total - total // 2
            else:
                raise Error(f"conv2d padding '{padding}' is not supported")
        else:
            p = _ints(padding, 2)
            pads = [p[0], p[1], p[0], p[1]]
        operands = [x, weight] + ([self.value(bias)] if bias is not None else [])
        return self.op("conv2d", *operands, strides=stride, pads=pads,
                       dilations=dilation, groups=int(groups))

    def pool2d(self, kind, x, kernel, stride, padding, dilation=1,
               ceil_mode=False, count_include_pad=True):
        kernel = _ints(kernel, 2)
        stride = _ints(stride, 2) if stride not in (None, [], ()) else kernel
        dilation = _ints(dilation, 2)
        p = _ints(padding, 2)
        pads = [p[0], p[1], p[0], p[1]]
        if ceil_mode:
            # torch never counts the cells past the padded input that
            # ceil_mode adds; without padding that is count_include_pad off.
            if kind == "avg_pool2d" and count_include_pad and any(p):
                raise Error("avg_pool2d with ceil_mode and count_include_pad "
                            "over padding is not supported")
            count_include_pad = False
            shape = self.shape(x)
            for i in range(2):
                size = shape[2 + i]
                span = dilation[i] * (kernel[i] - 1) + 1
                padded = size + 2 * p[i]
                floor_out = (padded - span) // stride[i] + 1
                ceil_out = -(-(padded - span) // stride[i]) + 1
                # The last window must start inside the input or the
                # leading padding (torch's rule).
                if (ceil_out - 1) * stride[i] >= size + p[i]:
                    ceil_out -= 1
                if ceil_out > floor_out:
                    pads[i + 2] += (ceil_out - 1) * stride[i] + span - padded
        attrs = dict(kernel=kernel, strides=stride, pads=pads,
                     dilations=dilation)
        if kind == "avg_pool2d":
            attrs["count_include_pad"] = bool(count_include_pad)
            if dilation != [1, 1]:
                raise Error("avg_pool2d with dilation is not supported")
        return self.op(kind, x, **attrs)

    def adaptive_avg_pool2d(self, x, output_size):
        shape = self.shape(x)
        size = _ints(output_size, 2) if output_size is not None else shape[2:]
        size = [shape[2 + i] if s is None else s for i, s in enumerate(size)]
        if size == [1, 1]:
            return self.op("global_avg_pool", x)
        if shape[2] % size[0] or shape[3] % size[1]:
            raise Error(f"adaptive_avg_pool2d from {shape[2:]} to {size} "
                        "(not a whole number of cells per output) is not "
                        "supported")
        kernel = [shape[2] // size[0], shape[3] // size[1]]
        return self.op("avg_pool2d", x, kernel=kernel, strides=kernel)

    def batch_norm(self, x, mean, var, weight, bias, eps):
        channels = self.shape(x)[1]
        if weight is None:
            weight = np.ones([channels], np.float32)
        if bias is None:
            bias = np.zeros([channels], np.float32)
        return self.op("batch_norm", x, self.value(weight), self.value(bias),
                       self.value(mean), self.value(var), epsilon=float(eps))

    def getitem(self, x, index):
        """Basic tensor indexing: ints, slices, None and Ellipsis."""
        if not isinstance(index, tuple):
            index = (index,)
        shape = self.shape(x)
        explicit = sum(1 for i in index if i is not None and i is not Ellipsis)
        if explicit > len(shape):
            raise Error(f"too many indices for a tensor of rank {len(shape)}")
        expanded = []
        for i in index:
            if i is Ellipsis:
                expanded += [slice(None)] * (len(shape) - explicit)
                explicit = len(shape)  # only one Ellipsis expands
            else:
                expanded.append(i)
        starts, ends, axes, steps, squeeze, unsqueeze = [], [], [], [], [], []
        dim, out_dim = 0, 0
        for i in expanded:
            if i is None:
                unsqueeze.append(out_dim)
                out_dim += 1
                continue
            if isinstance(i, Value) or isinstance(i, torch.Tensor):
                raise Error("indexing with a tensor is not supported")
            if isinstance(i, int):
                start = i % shape[dim] if -shape[dim] <= i < shape[dim] else None
                if start is None:
                    raise Error(f"index {i} is out of range for dimension "
                                f"{dim} of size {shape[dim]}")
                starts.append(start)
                ends.append(start + 1)
                axes.append(dim)
                steps.append(1)
                squeeze.append(dim)
            elif isinstance(i, slice):
                start, stop, step = i.indices(shape[dim])
                if step <= 0:
                    raise Error("slices with a step below 1 are not supported")
                if (start, stop, step) != (0, shape[dim], 1):
                    starts.append(start)
                    ends.append(max(stop, start))
                    axes.append(dim)
                    steps.append(step)
                out_dim += 1
            else:
                raise Error(f"unsupported index {i!r}")
            dim += 1
        y = x
        if axes:
            y = self.op("slice", y, starts=starts, ends=ends, axes=axes,
                        steps=steps)
        if squeeze:
            y = self.op("squeeze", y, axes=squeeze)
        if unsqueeze:
            y = self.op("unsqueeze", y, axes=unsqueeze)
        return y

    def binary(self, name, a, b):
        if not isinstance(a, Value) and not isinstance(b, Value):
            if isinstance(a, torch.Tensor):
                a = self.constant(a)
            elif isinstance(b, torch.Tensor):
                b = self.constant(b)
            else:  # arithmetic on sizes
                return _PYTHON_BINARY[name](a, b)
        like = a if isinstance(a, Value) else b
        return self.op(name, self.value(a, like), self.value(b, like))


def _is_float(value):
    return value.element_type.startswith(("f", "bf"))


_PYTHON_BINARY = {"add": operator.add, "sub": operator.sub,
                  "floordiv": operator.floordiv, "mod": operator.mod,
                  "mul": operator.mul, "div": operator.truediv,
                  "pow": operator.pow, "matmul": operator.matmul}


# ----------------------------------------------------------------------------
# Functions and methods
# ----------------------------------------------------------------------------

def _binary(name):
    def lower(L, a, b, alpha=1):
        if alpha != 1:
            b = L.binary("mul", b, alpha)
        return L.binary(name, a, b)
    return lower


def _python_only(name):
    """An operator on Python numbers (sizes) only."""
    def lower(L, a, b):
        if isinstance(a, (Value, torch.Tensor)) or \
                isinstance(b, (Value, torch.Tensor)):
            raise Error(f"'{name}' on tensors is not supported")
        return _PYTHON_BINARY[name](a, b)
    return lower


def _unary(name):
    return lambda L, x, *args, **kwargs: L.op(name, L.value(x))


def _size(L, x, dim=None):
    if isinstance(x, Value):
        shape = tuple(L.shape(x))
    else:
        raise Error("size() of a non-tensor")
    return shape if dim is None else shape[dim]


def _getattr(L, x, name):
    if isinstance(x, Value):
        if name == "shape":
            return tuple(L.shape(x))
        if name == "ndim":
            return len(x.shape)
        raise Error(f"tensor attribute '{name}' is not supported")
    return getattr(x, name)


def _getitem(L, x, index):
    if isinstance(x, Value):
        return L.getitem(x, index)
    return x[index]


def _view(L, x, *shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return L.reshape(x, shape)


def _permute(L, x, *dims):
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return L.permute(x, dims)


def _transpose(L, x, dim0, dim1):
    return L.swap(x, dim0, dim1)


def _flatten(L, x, start_dim=0, end_dim=-1):
    return L.flatten(x, start_dim, end_dim)


def _contiguous(L, x, *args, **kwargs):
    return x


def _mean(L, x, dim=None, keepdim=False, dtype=None):
    return L.reduce("reduce_mean", x, dim, keepdim)


def _sum(L, x, dim=None, keepdim=False, dtype=None):
    return L.reduce("reduce_sum", x, dim, keepdim)


def _unsqueeze(L, x, dim):
    return L.op("unsqueeze", x, axes=[dim])


def _squeeze(L, x, dim=None):
    if dim is None:
        return L.op("squeeze", x)
    if L.shape(x)[dim] != 1:
        return x  # torch leaves a dimension that is not 1 alone
    return L.op("squeeze", x, axes=[dim])


def _cat(L, tensors, dim=0):
    values = [L.value(t) for t in tensors]
    return values[0] if len(values) == 1 else L.op("concat", *values, axis=dim)


def _expand(L, x, *sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    shape = L.shape(x)
    sizes = list(sizes)
    offset = len(sizes) - len(shape)
    target = [shape[i - offset] if s == -1 else s for i, s in enumerate(sizes)]
    return L.op("expand", x, shape=target)


def _softmax(log):
    def lower(L, x, dim=None, _stacklevel=3, dtype=None):
        return L.softmax(x, dim, log)
    return lower


def _relu(L, x, inplace=False):
    return L.op("relu", x)


def _relu6(L, x, inplace=False):
    return L.clip(x, 0.0, 6.0)


def _hardtanh(L, x, min_val=-1.0, max_val=1.0, inplace=False):
    return L.clip(x, min_val, max_val)


def _clamp(L, x, min=None, max=None):
    return L.clip(x, min, max)


def _gelu(L, x, approximate="none"):
    return L.gelu(x, approximate)


def _leaky_relu(L, x, negative_slope=0.01, inplace=False):
    return L.op("leaky_relu", x, alpha=float(negative_slope))


def _elu(L, x, alpha=1.0, inplace=False):
    return L.op("elu", x, alpha=float(alpha))


def _hardsigmoid(L, x, inplace=False):
    return L.op("hard_sigmoid", x, alpha=1.0 / 6.0, beta=0.5)


def _dropout(L, x, *args, **kwargs):
    return x


def _linear(L, x, weight, bias=None):
    return L.linear(x, weight, bias)


def _layer_norm(L, x, normalized_shape, weight=None, bias=None, eps=1e-5):
    return L.layer_norm(x, normalized_shape, weight, bias, eps)


def _matmul(L, a, b):
    return L.matmul(L.value(a), L.value(b))


def _adaptive_avg_pool2d(L, x, output_size):
    return L.adaptive_avg_pool2d(x, output_size)


def _conv2d(L, x, weight, bias=None, stride=1, padding=0, dilation=1,
            groups=1):
    return L.conv2d(x, weight, bias, stride, padding, dilation, groups)


def _max_pool2d(L, x, kernel_size, stride=None, padding=0, dilation=1,
                ceil_mode=False, return_indices=False):
    if return_indices:
        raise Error("max_pool2d with return_indices is not supported")
    return L.pool2d("max_pool2d", x, kernel_size, stride, padding, dilation,
                    ceil_mode)


def _avg_pool2d(L, x, kernel_size, stride=None, padding=0, ceil_mode=False,
                count_include_pad=True, divisor_override=None):
    if divisor_override is not None:
        raise Error("avg_pool2d with divisor_override is not supported")
    return L.pool2d("avg_pool2d", x, kernel_size, stride, padding, 1,
                    ceil_mode, count_include_pad)


def _batch_norm(L, x, running_mean, running_var, weight=None, bias=None,
                training=False, momentum=0.1, eps=1e-5):
    if training or running_mean is None:
        raise Error("batch_norm with batch statistics (training mode) is not "
                    "supported; call model.eval()")
    return L.batch_norm(x, running_mean, running_var, weight, bias, eps)


def _embedding_function(L, indices, weight, max_norm):
    if max_norm is not None:
        raise Error("embedding with max_norm is not supported")
    return L.op("gather", L.value(weight), indices, axis=0)


def _noop_float(L, x, *args, **kwargs):
    if not _is_float(x) or x.element_type != "f32":
        raise Error(f"converting a {x.element_type} tensor to float32 is not "
                    "supported")
    return x


_FUNCTIONS = {
    operator.add: _binary("add"), torch.add: _binary("add"),
    operator.sub: _binary("sub"), torch.sub: _binary("sub"),
    operator.mul: lambda L, a, b: L.binary("mul", a, b),
    torch.mul: lambda L, a, b: L.binary("mul", a, b),
    operator.truediv: lambda L, a, b: L.binary("div", a, b),
    torch.div: lambda L, a, b: L.binary("div", a, b),
    operator.pow: lambda L, a, b: L.binary("pow", a, b),
    operator.floordiv: _python_only("floordiv"),
    operator.mod: _python_only("mod"),
    operator.matmul: _matmul, torch.matmul: _matmul, torch.bmm: _matmul,
    torch.t: lambda L, x: L.transpose_last(x) if len(x.shape) == 2 else x,
    operator.neg: lambda L, x: -x if not isinstance(x, Value) else L.op("neg", x),
    operator.getitem: _getitem,
    getattr: _getattr,
    torch.flatten: _flatten,
    torch.reshape: lambda L, x, shape: L.reshape(x, shape),
    torch.transpose: _transpose,
    torch.permute: lambda L, x, dims: L.permute(x, dims),
    torch.cat: _cat, torch.concat: _cat,
    torch.mean: _mean, torch.sum: _sum,
    torch.unsqueeze: _unsqueeze, torch.squeeze: _squeeze,
    torch.relu: _relu, F.relu: _relu, F.relu6: _relu6,
    torch.clamp: _clamp, torch.clip: _clamp,
    F.hardtanh: _hardtanh,
    torch.sigmoid: _unary("sigmoid"), F.sigmoid: _unary("sigmoid"),
    torch.tanh: _unary("tanh"), F.tanh: _unary("tanh"),
    torch.exp: _unary("exp"), torch.log: _unary("log"),
    torch.sqrt: _unary("sqrt"), torch.rsqrt: _unary("rsqrt"),
    torch.erf: _unary("erf"), torch.abs: _unary("abs"),
    torch.neg: _unary("neg"),
    F.silu: _unary("silu"), F.hardswish: _unary("hard_swish"),
    F.hardsigmoid: _hardsigmoid,
    F.gelu: _gelu, F.leaky_relu: _leaky_relu, F.elu: _elu,
    F.dropout: _dropout,
    F.linear: _linear,
    F.layer_norm: _layer_norm,
    F.softmax: _softmax(False), torch.softmax: _softmax(False),
    F.log_softmax: _softmax(True), torch.log_softmax: _softmax(True),
    F.adaptive_avg_pool2d: _adaptive_avg_pool2d,
    F.conv2d: _conv2d, torch.conv2d: _conv2d,
    F.max_pool2d: _max_pool2d, F.avg_pool2d: _avg_pool2d,
    F.batch_norm: _batch_norm,
    F.embedding: lambda L, indices, weight, padding_idx=None, max_norm=None,
    *args, **kwargs: _embedding_function(L, indices, weight, max_norm),
}

_METHODS = {
    "add": _binary("add"), "sub": _binary("sub"),
    "mul": lambda L, a, b: L.binary("mul", a, b),
    "div": lambda L, a, b: L.binary("div", a, b),
    "matmul": _matmul,
    "view": _view, "reshape": _view,
    "permute": _permute, "transpose": _transpose,
    "t": lambda L, x: L.transpose_last(x) if len(x.shape) == 2 else x,
    "contiguous": _contiguous,
    "size": _size,
    "dim": lambda L, x: len(x.shape),
    "flatten": _flatten,
    "mean": _mean, "sum": _sum,
    "unsqueeze": _unsqueeze, "squeeze": _squeeze,
    "expand": _expand,
    "relu": _relu, "sigmoid": _unary("sigmoid"), "tanh": _unary("tanh"),
    "exp": _unary("exp"), "sqrt": _unary("sqrt"), "rsqrt": _unary("rsqrt"),
    "softmax": _softmax(False), "log_softmax": _softmax(True),
    "clamp": _clamp, "clip": _clamp,
    "float": _noop_float,
}


# ----------------------------------------------------------------------------
# Modules
# ----------------------------------------------------------------------------

def _conv2d_module(L, m, x):
    if m.padding_mode != "zeros":
        pad = m._reversed_padding_repeated_twice  # (l, r, t, b)
        mode = {"reflect": "reflect", "replicate": "edge"}.get(m.padding_mode)
        if mode is None:
            raise Error(f"Conv2d padding_mode '{m.padding_mode}' is not "
                        "supported")
        x = L.op("pad", x, pads=[0, 0, pad[2], pad[0], 0, 0, pad[3], pad[1]],
                 mode=mode)
        padding = 0
    else:
        padding = m.padding
    return L.conv2d(x, m.weight, m.bias, m.stride, padding, m.dilation,
                    m.groups)


def _batch_norm_module(L, m, x):
    if m.training or m.running_mean is None:
        raise Error(f"{type(m).__name__} uses batch statistics (training "
                    "mode or track_running_stats=False); call model.eval()")
    return L.batch_norm(x, m.running_mean, m.running_var, m.weight, m.bias,
                        m.eps)


def _max_pool2d_module(L, m, x):
    if m.return_indices:
        raise Error("MaxPool2d with return_indices is not supported")
    return L.pool2d("max_pool2d", x, m.kernel_size, m.stride, m.padding,
                    m.dilation, m.ceil_mode)


def _avg_pool2d_module(L, m, x):
    if m.divisor_override is not None:
        raise Error("AvgPool2d with divisor_override is not supported")
    return L.pool2d("avg_pool2d", x, m.kernel_size, m.stride, m.padding, 1,
                    m.ceil_mode, m.count_include_pad)


def _activation(L, activation, x):
    """An activation given as a module or a function (as in
    TransformerEncoderLayer)."""
    if isinstance(activation, nn.Module):
        lower = _module_lowering(activation)
        if lower is None:
            raise Error(f"activation {type(activation).__name__} is not "
                        "supported")
        return lower(L, activation, x)
    lower = _FUNCTIONS.get(activation)
    if lower is None:
        raise Error(f"activation {activation!r} is not supported")
    return lower(L, x)


def _multihead_attention(L, m, query, key, value, key_padding_mask=None,
                         need_weights=True, attn_mask=None,
                         average_attn_weights=True):
    """nn.MultiheadAttention in inference form:
    softmax(q k^T / sqrt(d) + mask) v per head, then the output projection."""
    if m.bias_k is not None or m.add_zero_attn:
        raise Error("MultiheadAttention with add_bias_kv or add_zero_attn is "
                    "not supported")
    batched = len(query.shape) == 3
    if not batched:
        query, key, value = (L.op("unsqueeze", t, axes=[0 if m.batch_first
                                                         else 1])
                             for t in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = L.op("unsqueeze", key_padding_mask, axes=[0])
    if not m.batch_first:  # (L, B, E) -> (B, L, E)
        query, key, value = (L.swap(t, 0, 1) for t in (query, key, value))
    batch, length, embed = L.shape(query)
    source = L.shape(key)[1]
    heads = m.num_heads
    head_dim = embed // heads

    if m._qkv_same_embed_dim:
        w = m.in_proj_weight.detach()
        weights = (w[:embed], w[embed:2 * embed], w[2 * embed:])
    else:
        weights = (m.q_proj_weight, m.k_proj_weight, m.v_proj_weight)
    if m.in_proj_bias is not None:
        b = m.in_proj_bias.detach()
        biases = (b[:embed], b[embed:2 * embed], b[2 * embed:])
    else:
        biases = (None, None, None)
    # torch scales q (after the projection) by 1 / sqrt(head_dim).
    q = L.linear(query, weights[0], biases[0])
    q = L.op("mul", q, L.scalar(1.0 / math.sqrt(head_dim), q))
    k = L.linear(key, weights[1], biases[1])
    v = L.linear(value, weights[2], biases[2])
    # (B, L, E) -> (B, H, L, D); k -> (B, H, D, S).
    q = L.op("transpose", L.reshape(q, [batch, length, heads, head_dim]),
             perm=[0, 2, 1, 3])
    k = L.op("transpose", L.reshape(k, [batch, source, heads, head_dim]),
             perm=[0, 2, 3, 1])
    v = L.op("transpose", L.reshape(v, [batch, source, heads, head_dim]),
             perm=[0, 2, 1, 3])
    scores = L.op("matmul", q, k)  # (B, H, L, S)
    if attn_mask is not None:
        mask = attn_mask
        if len(mask.shape) == 3:  # (B * H, L, S)
            mask = L.reshape(mask, [batch, heads, length, source])
        scores = _apply_mask(L, scores, mask)
    if key_padding_mask is not None:  # (B, S)
        mask = L.reshape(key_padding_mask, [batch, 1, 1, source])
        scores = _apply_mask(L, scores, mask)
    probs = L.op("softmax", scores, axis=-1)
    out = L.op("matmul", probs, v)  # (B, H, L, D)
    out = L.reshape(L.op("transpose", out, perm=[0, 2, 1, 3]),
                    [batch, length, embed])
    out = L.linear(out, m.out_proj.weight, m.out_proj.bias)
    if not m.batch_first:
        out = L.swap(out, 0, 1)
    if not batched:
        out = L.op("squeeze", out, axes=[0 if m.batch_first else 1])
    attention = None
    if need_weights:
        attention = probs
        if average_attn_weights:
            attention = L.op("reduce_mean", probs, axes=[1], keepdims=False)
        if not batched:
            attention = L.op("squeeze", attention, axes=[0])
    return out, attention


def _apply_mask(L, scores, mask):
    """Adds a float mask; a bool mask puts -inf where it is true."""
    if mask.element_type == "i1":
        neg_inf = L.scalar(float("-inf"), scores)
        return L.op("where", mask, neg_inf, scores)
    return L.op("add", scores, mask)


def _encoder_layer(L, m, src, src_mask=None, src_key_padding_mask=None):
    """nn.TransformerEncoderLayer, the same computation as its slow path."""
    def self_attention(x):
        y, _ = _multihead_attention(L, m.self_attn, x, x, x,
                                    key_padding_mask=src_key_padding_mask,
                                    need_weights=False, attn_mask=src_mask)
        return y

    def feed_forward(x):
        h = _activation(L, m.activation, L.linear(x, m.linear1.weight,
                                                  m.linear1.bias))
        return L.linear(h, m.linear2.weight, m.linear2.bias)

    def norm(n, x):
        return L.layer_norm(x, n.normalized_shape, n.weight, n.bias, n.eps)

    x = src
    if m.norm_first:
        x = L.op("add", x, self_attention(norm(m.norm1, x)))
        x = L.op("add", x, feed_forward(norm(m.norm2, x)))
    else:
        x = norm(m.norm1, L.op("add", x, self_attention(x)))
        x = norm(m.norm2, L.op("add", x, feed_forward(x)))
    return x


def _encoder(L, m, src, mask=None, src_key_padding_mask=None):
    x = src
    for layer in m.layers:
        x = _encoder_layer(L, layer, x, mask, src_key_padding_mask)
    if m.norm is not None:
        x = L.layer_norm(x, m.norm.normalized_shape, m.norm.weight,
                         m.norm.bias, m.norm.eps)
    return x


def _embedding(L, m, indices):
    if m.max_norm is not None:
        raise Error("Embedding with max_norm is not supported")
    return L.op("gather", L.constant(m.weight), indices, axis=0)


def _flatten_module(L, m, x):
    return L.flatten(x, m.start_dim, m.end_dim)


_MODULES = {
    nn.Conv2d: _conv2d_module,
    nn.BatchNorm1d: _batch_norm_module,
    nn.BatchNorm2d: _batch_norm_module,
    nn.Linear: lambda L, m, x: L.linear(x, m.weight, m.bias),
    nn.ReLU: lambda L, m, x: L.op("relu", x),
    nn.ReLU6: lambda L, m, x: L.clip(x, 0.0, 6.0),
    nn.Hardtanh: lambda L, m, x: L.clip(x, m.min_val, m.max_val),
    nn.Sigmoid: lambda L, m, x: L.op("sigmoid", x),
    nn.Tanh: lambda L, m, x: L.op("tanh", x),
    nn.SiLU: lambda L, m, x: L.op("silu", x),
    nn.Hardswish: lambda L, m, x: L.op("hard_swish", x),
    nn.Hardsigmoid: lambda L, m, x: _hardsigmoid(L, x),
    nn.LeakyReLU: lambda L, m, x: _leaky_relu(L, x, m.negative_slope),
    nn.ELU: lambda L, m, x: _elu(L, x, m.alpha),
    nn.GELU: lambda L, m, x: L.gelu(x, getattr(m, "approximate", "none")),
    nn.MaxPool2d: _max_pool2d_module,
    nn.AvgPool2d: _avg_pool2d_module,
    nn.AdaptiveAvgPool2d: lambda L, m, x: L.adaptive_avg_pool2d(x,
                                                                m.output_size),
    nn.Dropout: lambda L, m, x: x,
    nn.Dropout1d: lambda L, m, x: x,
    nn.Dropout2d: lambda L, m, x: x,
    nn.Identity: lambda L, m, x, *args, **kwargs: x,
    nn.LayerNorm: lambda L, m, x: L.layer_norm(x, m.normalized_shape,
                                               m.weight, m.bias, m.eps),
    nn.Flatten: _flatten_module,
    nn.Softmax: lambda L, m, x: L.softmax(x, m.dim),
    nn.LogSoftmax: lambda L, m, x: L.softmax(x, m.dim, log=True),
    nn.Embedding: _embedding,
    nn.MultiheadAttention: _multihead_attention,
    nn.TransformerEncoderLayer: _encoder_layer,
    nn.TransformerEncoder: _encoder,
}


def _module_lowering(module):
    """The lowering of a module of exactly a type handled here (a subclass
    may have its own forward)."""
    return _MODULES.get(type(module))


# ----------------------------------------------------------------------------
# The graph walk
# ----------------------------------------------------------------------------

def _target_name(target):
    """`torch.cumsum`, `operator.add`, `torch.nn.functional.relu`, ..."""
    if isinstance(target, str):
        return target
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__qualname__", None) or getattr(
        target, "__name__", repr(target))
    if name.startswith("_VariableFunctionsClass.") or module in (
            "torch._C._VariableFunctions", "torch._C._nn"):
        module, name = "torch", name.split(".")[-1]
    if module == "_operator":
        module = "operator"
    return f"{module}.{name}" if module else name


def _module_name(module):
    """`torch.nn.LSTM` for torch.nn's own modules, else module.Class."""
    cls = type(module)
    if cls.__module__.startswith("torch.nn.") and \
            getattr(nn, cls.__name__, None) is cls:
        return f"torch.nn.{cls.__name__}"
    return f"{cls.__module__}.{cls.__qualname__}"


def _describe(gm, node):
    if node.op == "call_module":
        return f"call_module {_module_name(gm.get_submodule(node.target))}"
    if node.op == "call_method":
        return f"call_method Tensor.{node.target}"
    return f"{node.op} {_target_name(node.target)}"


def _lowering_of(gm, node):
    if node.op == "call_module":
        lower = _module_lowering(gm.get_submodule(node.target))
        if lower is None:
            return None
        module = gm.get_submodule(node.target)
        return lambda L, *args, **kwargs: lower(L, module, *args, **kwargs)
    if node.op == "call_method":
        return _METHODS.get(node.target)
    if node.op == "call_function":
        try:
            return _FUNCTIONS.get(node.target)
        except TypeError:  # an unhashable target
            return None
    return None


def _check_supported(gm):
    """Raises one kiln.Error naming every node Kiln cannot lower."""
    unsupported = [f"{_describe(gm, node)} (node '{node.name}')"
                   for node in gm.graph.nodes
                   if node.op in ("call_module", "call_method", "call_function")
                   and _lowering_of(gm, node) is None]
    if unsupported:
        raise Error(f"the model uses {len(unsupported)} operation(s) Kiln "
                    "does not support: " + ", ".join(unsupported))


def _map(value, fn):
    """Applies fn to the leaves of nested tuples/lists/dicts."""
    if isinstance(value, (tuple, list)):
        mapped = [_map(v, fn) for v in value]
        return type(value)(mapped) if not hasattr(value, "_fields") else \
            type(value)(*mapped)
    if isinstance(value, dict):
        return {k: _map(v, fn) for k, v in value.items()}
    if isinstance(value, slice):
        return slice(_map(value.start, fn), _map(value.stop, fn),
                     _map(value.step, fn))
    return fn(value)


def _leaves(value):
    out = []
    _map(value, out.append)
    return out


_ELEMENT_TYPES = {torch.float32: "f32", torch.float64: "f64",
                  torch.float16: "f16", torch.bool: "i1", torch.int8: "i8",
                  torch.int16: "i16", torch.int32: "i32", torch.int64: "i64",
                  torch.uint8: "ui8"}


def _check_result(node, result):
    """Kiln's inferred type must be torch's: a lowering bug, or a type
    promotion (int / int -> float, ...) that the importer does not do."""
    meta = node.meta.get("tensor_meta")
    if isinstance(result, Value) and isinstance(meta, TensorMetadata):
        expected = tuple(meta.shape)
        got = tuple(result.shape)
        if got != expected:
            raise Error(f"node '{node.name}' ({_target_name(node.target)}): "
                        f"kiln computed shape {list(got)} but torch has "
                        f"{list(expected)}")
        dtype = _ELEMENT_TYPES.get(meta.dtype)
        if dtype != result.element_type:
            raise Error(f"node '{node.name}' ({_target_name(node.target)}): "
                        f"kiln computes {result.element_type} but torch has "
                        f"{meta.dtype}; this type promotion is not supported")


def _lower(gm, example_inputs):
    """Returns (kiln.Graph, output structure with output indices)."""
    _check_supported(gm)
    placeholders = [n for n in gm.graph.nodes if n.op == "placeholder"]
    if len(placeholders) != len(example_inputs):
        raise Error(f"the model takes {len(placeholders)} inputs "
                    f"({', '.join(n.name for n in placeholders)}), got "
                    f"{len(example_inputs)} example inputs")
    try:
        ShapeProp(gm).propagate(*example_inputs)
    except Exception as e:
        raise Error(f"running the model on the example inputs failed: "
                    f"{type(e).__name__}: {e}") from None

    L = _Lowering(gm)
    env = {}
    inputs = iter(example_inputs)
    structure = None
    for node in gm.graph.nodes:
        if node.op == "placeholder":
            x = next(inputs)
            env[node] = L.g.input(node.name, tuple(x.shape),
                                  str(x.dtype).replace("torch.", ""))
            continue
        if node.op == "get_attr":
            attr = gm
            for part in node.target.split("."):
                attr = getattr(attr, part)
            env[node] = L.constant(attr) if isinstance(attr, torch.Tensor) \
                else attr
            continue
        if node.op == "output":
            structure = _map(node.args[0], lambda a: env[a]
                             if isinstance(a, torch.fx.Node) else a)
            continue
        args = _map(node.args, lambda a: env[a]
                    if isinstance(a, torch.fx.Node) else a)
        kwargs = _map(node.kwargs, lambda a: env[a]
                      if isinstance(a, torch.fx.Node) else a)
        lower = _lowering_of(gm, node)
        try:
            result = lower(L, *args, **kwargs)
        except Error as e:
            raise Error(f"node '{node.name}' ({_describe(gm, node)}): {e}") \
                from None
        except TypeError as e:  # arguments the lowering does not take
            raise Error(f"node '{node.name}' ({_describe(gm, node)}): "
                        f"unsupported arguments: {e}") from None
        _check_result(node, result)
        env[node] = result

    outputs = [v for v in _leaves(structure) if isinstance(v, Value)]
    if not outputs:
        raise Error("the model returns no tensors")
    names = {}
    for i, v in enumerate(outputs):
        if id(v) not in names:
            names[id(v)] = "output" if len(outputs) == 1 else f"output{i}"
            L.g.output(v, names[id(v)])
    # The output structure with each tensor replaced by its output index.
    order = {}
    for v in outputs:
        order.setdefault(id(v), len(order))
    structure = _map(structure, lambda v: _OutputIndex(order[id(v)])
                     if isinstance(v, Value) else v)
    return L.g, structure


class _OutputIndex(int):
    pass


def export_to_mlir(module, example_inputs):
    """Imports a torch.nn.Module (traced with torch.fx on `example_inputs`,
    a tensor or a tuple of tensors) as kiln-dialect MLIR text."""
    graph, _ = _import(module, example_inputs)
    return graph.to_mlir()


def _import(module, example_inputs):
    if not isinstance(module, nn.Module):
        raise Error(f"expected a torch.nn.Module, got {type(module).__name__}")
    inputs = _as_tuple(example_inputs)
    gm = _trace(module, len(inputs))
    with torch.no_grad():
        return _lower(gm, inputs)


# ----------------------------------------------------------------------------
# Compiling
# ----------------------------------------------------------------------------

class CompiledTorchModule:
    """A module compiled by Kiln: call it with torch tensors (or anything
    numpy accepts) in the order of the example inputs; it returns torch
    tensors in the structure the module returns."""

    def __init__(self, compiled, structure):
        self.kiln_module = compiled
        self._structure = structure

    @property
    def inputs(self):
        return self.kiln_module.inputs

    @property
    def outputs(self):
        return self.kiln_module.outputs

    def save(self, path):
        self.kiln_module.save(path)

    def __call__(self, *args):
        arrays = [a.detach().cpu().numpy() if isinstance(a, torch.Tensor)
                  else np.asarray(a) for a in args]
        results = [torch.from_numpy(r) for r in self.kiln_module.run(*arrays)]
        return _map(self._structure, lambda v: results[v]
                    if isinstance(v, _OutputIndex) else v)


def compile(module, example_inputs, **options):
    """Compiles a torch.nn.Module for the shapes of `example_inputs`;
    `options` go to kiln.compile (target, opt_level, ...)."""
    from .compiler import compile as kiln_compile

    graph, structure = _import(module, example_inputs)
    return CompiledTorchModule(kiln_compile(graph, **options), structure)


def _register_torch_compile_backend():
    """`torch.compile(model, backend="kiln")` on torch >= 2."""
    try:
        major = int(torch.__version__.split(".")[0])
    except ValueError:
        return
    if major < 2:
        return
    try:
        from torch._dynamo import register_backend
    except ImportError:
        return

    def kiln_backend(gm, example_inputs, **options):
        return compile(gm, tuple(example_inputs), **options)

    try:
        register_backend(kiln_backend, name="kiln")
    except Exception:  # already registered, or a changed registry API
        pass


_register_torch_compile_backend()
