"""One end-to-end test per kiln op: compile with kiln-compile, run with
kiln-run, compare with a NumPy reference written here."""
import math
import re
from pathlib import Path

import numpy as np
import pytest

from kiln_e2e import (assert_close, compile_mlir, func_text, run_func, run_tool,
                      run_model, run_op, tensor_type, type_of)

T = type_of
ROOT = Path(__file__).resolve().parents[2]

# Tolerances: plain arithmetic is exact up to rounding; transcendental ops
# use polynomial approximations.
EXACT = dict(rtol=1e-5, atol=1e-6)
TRANSCENDENTAL = dict(rtol=1e-5, atol=1e-5)
REDUCTION = dict(rtol=1e-5, atol=1e-5)


def rng(seed=0):
    return np.random.default_rng(seed)


def randn(*shape, seed=0, scale=1.0):
    return (rng(seed).standard_normal(shape) * scale).astype(np.float32)


def uniform(lo, hi, *shape, seed=0):
    return rng(seed).uniform(lo, hi, shape).astype(np.float32)


def ints(lo, hi, *shape, seed=0, dtype=np.int32):
    return rng(seed).integers(lo, hi, shape).astype(dtype)


def f32(x):
    return np.asarray(x, dtype=np.float32)


def check(tmp_path, opt, inputs, op, expected, **tol):
    """Runs `op` (text after `%r = `) and compares with `expected`."""
    expected = np.asarray(expected)
    actual = run_op(tmp_path, opt, inputs, op, T(expected))
    assert_close(actual, expected, **(tol or EXACT))


def binary(name, a, b, expected):
    return f"kiln.{name} %a, %b : ({T(a)}, {T(b)}) -> {T(expected)}"


def unary(name, x, attrs=""):
    return f"kiln.{name} %x {attrs} : {T(x)}"


_erf = np.vectorize(math.erf)

# ----------------------------------------------------------------------------
# Coverage: every op in KilnOps.td appears in this file.
# ----------------------------------------------------------------------------


def test_every_op_is_covered():
    td = (ROOT / "dialects/Kiln/KilnOps.td").read_text()
    mnemonics = re.findall(r'^def Kiln_\w+Op\s*:\s*Kiln_\w+<"(\w+)"', td, re.M)
    assert len(mnemonics) > 60
    source = Path(__file__).read_text()
    missing = [m for m in mnemonics
               if not re.search(rf'kiln\.{m}\b|"{m}"', source)]
    assert not missing, f"ops without an e2e test: {missing}"


# ----------------------------------------------------------------------------
# Elementwise binary
# ----------------------------------------------------------------------------

F32_BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "max": np.maximum,
    "min": np.minimum,
}


@pytest.mark.parametrize("name", sorted(F32_BINARY))
def test_binary_f32_broadcast(tmp_path, opt, name):
    a = randn(2, 3, 1, 5, seed=1)
    b = uniform(0.5, 2.0, 4, 1, seed=2) * np.where(randn(4, 1, seed=3) > 0, 1, -1).astype(np.float32)
    expected = F32_BINARY[name](a, b).astype(np.float32)
    check(tmp_path, opt, {"a": a, "b": b}, binary(name, a, b, expected),
          expected)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "max", "min"])
def test_binary_i32(tmp_path, opt, name):
    a = ints(-50, 50, 3, 4, seed=1)
    b = ints(-50, 50, 4, seed=2)
    expected = F32_BINARY[name](a, b).astype(np.int32)
    check(tmp_path, opt, {"a": a, "b": b}, binary(name, a, b, expected),
          expected)


def test_binary_i64_rank0_operand(tmp_path, opt):
    a = ints(-1000, 1000, 2, 3, seed=4, dtype=np.int64)
    b = np.array(7, dtype=np.int64)
    expected = a * b
    check(tmp_path, opt, {"a": a, "b": b}, binary("mul", a, b, expected),
          expected)


def test_div_int_truncates_toward_zero(tmp_path, opt):
    a = np.array([[7, -7, 7, -7, 0, 9]], dtype=np.int32)
    b = np.array([[2], [-2], [3]], dtype=np.int32)
    q = np.abs(a) // np.abs(b)
    expected = (q * np.sign(a) * np.sign(b)).astype(np.int32)
    check(tmp_path, opt, {"a": a, "b": b}, binary("div", a, b, expected),
          expected)


def test_mod_f32_sign_of_divisor(tmp_path, opt):
    a = f32([[5.5, -5.5, 5.5, -5.5, 3.0, -0.25]])
    b = f32([[2.0], [-2.0], [1.5]])
    expected = np.mod(a, b)
    check(tmp_path, opt, {"a": a, "b": b}, binary("mod", a, b, expected),
          expected)


def test_mod_int_sign_of_divisor(tmp_path, opt):
    a = np.array([[7, -7, 7, -7, 0, 6]], dtype=np.int32)
    b = np.array([[3], [-3], [4]], dtype=np.int32)
    expected = np.mod(a, b).astype(np.int32)
    check(tmp_path, opt, {"a": a, "b": b}, binary("mod", a, b, expected),
          expected)


def test_pow_f32(tmp_path, opt):
    a = uniform(0.1, 3.0, 3, 5, seed=1)
    b = uniform(-2.0, 2.5, 5, seed=2)
    expected = np.power(a.astype(np.float64), b).astype(np.float32)
    check(tmp_path, opt, {"a": a, "b": b}, binary("pow", a, b, expected),
          expected, rtol=1e-5, atol=1e-5)


def test_pow_negative_base_integer_exponent(tmp_path, opt):
    a = f32([-2.0, -1.5, -3.0, 2.0, -0.5, 0.0])
    b = f32([2.0, 3.0, 0.0, -1.0, -2.0, 2.0])
    expected = np.power(a.astype(np.float64), b).astype(np.float32)
    check(tmp_path, opt, {"a": a, "b": b}, binary("pow", a, b, expected),
          expected, rtol=1e-5, atol=1e-5)


def test_pow_i32(tmp_path, opt):
    a = ints(-4, 5, 3, 4, seed=5)
    b = ints(0, 5, 4, seed=6)
    expected = np.power(a, b).astype(np.int32)
    check(tmp_path, opt, {"a": a, "b": b}, binary("pow", a, b, expected),
          expected)


@pytest.mark.parametrize("name", ["add", "mul", "div", "max"])
def test_binary_f64(tmp_path, opt, name):
    a = rng(7).standard_normal((3, 5))
    b = rng(8).uniform(0.5, 2.0, (5,))
    expected = F32_BINARY[name](a, b)
    check(tmp_path, opt, {"a": a, "b": b}, binary(name, a, b, expected),
          expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["exp", "tanh", "log", "sigmoid"])
def test_unary_f64(tmp_path, opt, name):
    make, ref, _ = UNARY_F32[name]
    x = make().astype(np.float64)
    check(tmp_path, opt, {"x": x}, unary(name, x), ref(x),
          rtol=1e-12, atol=1e-14)


COMPARISONS = {
    "equal": np.equal,
    "not_equal": np.not_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
}


@pytest.mark.parametrize("name", sorted(COMPARISONS))
def test_compare_f32(tmp_path, opt, name):
    # Small integers so that equal values occur.
    a = ints(-2, 3, 3, 1, 4, seed=1).astype(np.float32)
    b = ints(-2, 3, 5, 4, seed=2).astype(np.float32)
    expected = COMPARISONS[name](a, b)
    check(tmp_path, opt, {"a": a, "b": b}, binary(name, a, b, expected),
          expected)


@pytest.mark.parametrize("name", ["equal", "less", "greater_equal"])
def test_compare_i32(tmp_path, opt, name):
    a = ints(-3, 3, 4, 6, seed=3)
    b = ints(-3, 3, 6, seed=4)
    expected = COMPARISONS[name](a, b)
    check(tmp_path, opt, {"a": a, "b": b}, binary(name, a, b, expected),
          expected)


@pytest.mark.parametrize("name", ["less", "less_equal", "greater",
                                  "greater_equal"])
def test_compare_bool(tmp_path, opt, name):
    """Booleans order false < true (a signed i1 compare would invert it)."""
    a = np.array([False, False, True, True])
    b = np.array([False, True, False, True])
    expected = COMPARISONS[name](a, b)
    check(tmp_path, opt, {"a": a, "b": b}, binary(name, a, b, expected),
          expected)


LOGICAL = {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor}


@pytest.mark.parametrize("name", sorted(LOGICAL))
def test_logical(tmp_path, opt, name):
    a = rng(1).integers(0, 2, (4, 1, 3)).astype(bool)
    b = rng(2).integers(0, 2, (5, 3)).astype(bool)
    expected = LOGICAL[name](a, b)
    check(tmp_path, opt, {"a": a, "b": b}, binary(name, a, b, expected),
          expected)


# ----------------------------------------------------------------------------
# Elementwise unary
# ----------------------------------------------------------------------------


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# name -> (input generator, reference in float64, tolerance)
UNARY_F32 = {
    "neg": (lambda: randn(3, 7), lambda x: -x, EXACT),
    "abs": (lambda: randn(3, 7), np.abs, EXACT),
    "sign": (lambda: np.concatenate([randn(3, 7), np.zeros((1, 7), np.float32)]),
             np.sign, EXACT),
    "relu": (lambda: randn(3, 7), lambda x: np.maximum(x, 0), EXACT),
    "exp": (lambda: uniform(-10, 10, 4, 9), np.exp, TRANSCENDENTAL),
    "log": (lambda: uniform(1e-3, 100, 4, 9), np.log, TRANSCENDENTAL),
    "sqrt": (lambda: uniform(0, 100, 4, 9), np.sqrt, EXACT),
    "rsqrt": (lambda: uniform(0.01, 100, 4, 9), lambda x: 1 / np.sqrt(x),
              TRANSCENDENTAL),
    "reciprocal": (lambda: uniform(0.1, 10, 4, 9) * np.where(randn(4, 9) > 0, 1, -1).astype(np.float32),
                   lambda x: 1 / x, EXACT),
    "tanh": (lambda: uniform(-6, 6, 4, 9), np.tanh, TRANSCENDENTAL),
    "sigmoid": (lambda: uniform(-12, 12, 4, 9), _sigmoid, TRANSCENDENTAL),
    "silu": (lambda: uniform(-12, 12, 4, 9), lambda x: x * _sigmoid(x),
             TRANSCENDENTAL),
    "erf": (lambda: uniform(-4, 4, 4, 9), _erf, TRANSCENDENTAL),
    "floor": (lambda: uniform(-5, 5, 4, 9), np.floor, EXACT),
    "ceil": (lambda: uniform(-5, 5, 4, 9), np.ceil, EXACT),
    "round": (lambda: np.concatenate(
        [uniform(-5, 5, 2, 8),
         f32([[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 4.5]])]),
        np.round, EXACT),
    "sin": (lambda: uniform(-10, 10, 4, 9), np.sin, TRANSCENDENTAL),
    "cos": (lambda: uniform(-10, 10, 4, 9), np.cos, TRANSCENDENTAL),
    "asin": (lambda: uniform(-0.99, 0.99, 4, 9), np.arcsin, TRANSCENDENTAL),
    "acos": (lambda: uniform(-0.99, 0.99, 4, 9), np.arccos, TRANSCENDENTAL),
    "atan": (lambda: uniform(-10, 10, 4, 9), np.arctan, TRANSCENDENTAL),
    "softplus": (lambda: uniform(-15, 15, 4, 9),
                 lambda x: np.log1p(np.exp(x)), TRANSCENDENTAL),
    "hard_swish": (lambda: uniform(-5, 5, 4, 9),
                   lambda x: x * np.clip(x / 6 + 0.5, 0, 1), EXACT),
}


@pytest.mark.parametrize("name", sorted(UNARY_F32))
def test_unary_f32(tmp_path, opt, name):
    make, ref, tol = UNARY_F32[name]
    x = make()
    expected = ref(x.astype(np.float64)).astype(np.float32)
    check(tmp_path, opt, {"x": x}, unary(name, x), expected, **tol)


UNARY_INT = {
    "neg": lambda x: -x,
    "abs": np.abs,
    "sign": np.sign,
    "relu": lambda x: np.maximum(x, 0),
}


@pytest.mark.parametrize("name", sorted(UNARY_INT))
def test_unary_i32(tmp_path, opt, name):
    x = ints(-20, 20, 5, 6, seed=5)
    expected = UNARY_INT[name](x).astype(np.int32)
    check(tmp_path, opt, {"x": x}, unary(name, x), expected)


def test_not(tmp_path, opt):
    x = rng(3).integers(0, 2, (4, 5)).astype(bool)
    check(tmp_path, opt, {"x": x}, unary("not", x), np.logical_not(x))


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu(tmp_path, opt, approximate):
    x = uniform(-6, 6, 4, 16, seed=7)
    xd = x.astype(np.float64)
    if approximate == "tanh":
        ref = 0.5 * xd * (1 + np.tanh(math.sqrt(2 / math.pi) *
                                      (xd + 0.044715 * xd ** 3)))
    else:
        ref = 0.5 * xd * (1 + _erf(xd / math.sqrt(2)))
    check(tmp_path, opt, {"x": x},
          unary("gelu", x, f'{{approximate = "{approximate}"}}'),
          ref.astype(np.float32), **TRANSCENDENTAL)


def test_gelu_default(tmp_path, opt):
    x = uniform(-6, 6, 3, 8, seed=8)
    xd = x.astype(np.float64)
    ref = 0.5 * xd * (1 + _erf(xd / math.sqrt(2)))
    check(tmp_path, opt, {"x": x}, unary("gelu", x), ref.astype(np.float32),
          **TRANSCENDENTAL)


@pytest.mark.parametrize("alpha", [None, 0.2])
def test_leaky_relu(tmp_path, opt, alpha):
    x = randn(4, 8, seed=9)
    a = 0.01 if alpha is None else alpha
    attrs = "" if alpha is None else f"{{alpha = {alpha} : f64}}"
    expected = np.where(x >= 0, x, np.float32(a) * x).astype(np.float32)
    check(tmp_path, opt, {"x": x}, unary("leaky_relu", x, attrs), expected)


@pytest.mark.parametrize("alpha", [None, 0.5])
def test_elu(tmp_path, opt, alpha):
    x = uniform(-5, 5, 4, 8, seed=10)
    a = 1.0 if alpha is None else alpha
    attrs = "" if alpha is None else f"{{alpha = {alpha} : f64}}"
    xd = x.astype(np.float64)
    expected = np.where(xd >= 0, xd, a * np.expm1(xd)).astype(np.float32)
    check(tmp_path, opt, {"x": x}, unary("elu", x, attrs), expected,
          **TRANSCENDENTAL)


@pytest.mark.parametrize("attrs,alpha,beta", [
    ("", 0.2, 0.5),
    ("{alpha = 0.25 : f64, beta = 0.4 : f64}", 0.25, 0.4),
])
def test_hard_sigmoid(tmp_path, opt, attrs, alpha, beta):
    x = uniform(-6, 6, 4, 8, seed=11)
    expected = np.clip(alpha * x.astype(np.float64) + beta, 0, 1)
    check(tmp_path, opt, {"x": x}, unary("hard_sigmoid", x, attrs),
          expected.astype(np.float32))


@pytest.mark.parametrize("attrs,lo,hi", [
    ("{min = 0.0 : f64, max = 6.0 : f64}", 0.0, 6.0),
    ("{min = -1.5 : f64}", -1.5, None),
    ("{max = 0.25 : f64}", None, 0.25),
])
def test_clip_f32(tmp_path, opt, attrs, lo, hi):
    x = uniform(-8, 8, 5, 6, seed=12)
    expected = np.clip(x, lo, hi).astype(np.float32)
    check(tmp_path, opt, {"x": x}, unary("clip", x, attrs), expected)


def test_clip_i32(tmp_path, opt):
    x = ints(-10, 10, 4, 5, seed=13)
    expected = np.clip(x, -3, 4).astype(np.int32)
    check(tmp_path, opt, {"x": x},
          unary("clip", x, "{min = -3.0 : f64, max = 4.0 : f64}"), expected)


def test_clip_i8_bounds_beyond_type_range(tmp_path, opt):
    # A bound the element type cannot hold still clamps (it saturates rather
    # than wrapping around).
    x = np.arange(-128, 128, dtype=np.int8).reshape(16, 16)
    check(tmp_path, opt, {"x": x},
          unary("clip", x, "{min = -1000.0 : f64, max = 100.0 : f64}"),
          np.clip(x, -128, 100).astype(np.int8))


# ----------------------------------------------------------------------------
# Constants, casts, selection
# ----------------------------------------------------------------------------


def test_constant(tmp_path, opt):
    x = randn(2, 3, seed=14)
    c = f32([[1.0, -2.5, 3.25], [0.5, 0.0, -7.0]])
    ci = np.array([4, -5, 6], dtype=np.int64)
    body = f"""
%c = kiln.constant dense<[[1.0, -2.5, 3.25], [0.5, 0.0, -7.0]]> : tensor<2x3xf32>
%s = kiln.add %x, %c : ({T(x)}, {T(c)}) -> {T(x)}
%ci = kiln.constant dense<[4, -5, 6]> : tensor<3xi64>
%splat = kiln.constant dense<1.5> : tensor<2x3xf32>
"""
    out = run_func(tmp_path, opt, {"x": x}, body, [
        ("sum", T(x), "%s"), ("ints", T(ci), "%ci"),
        ("splat", T(x), "%splat")])
    assert_close(out["sum"], x + c)
    assert_close(out["ints"], ci)
    assert_close(out["splat"], np.full((2, 3), 1.5, np.float32))


CASTS = [
    (np.float32, np.int32), (np.float32, np.int64), (np.float32, np.bool_),
    (np.int32, np.float32), (np.int64, np.float32), (np.bool_, np.float32),
    (np.int32, np.int64), (np.int64, np.int32), (np.float32, np.float64),
    (np.int32, np.bool_),
]


def _cast_input(dtype):
    if dtype == np.float32:
        return np.concatenate([uniform(-100, 100, 3, 6, seed=15),
                               f32([[0.0, -0.0, 0.5, -0.5, 2.9, -2.9]])])
    if dtype == np.bool_:
        return rng(16).integers(0, 2, (3, 6)).astype(bool)
    x = ints(-1000, 1000, 3, 6, seed=17, dtype=dtype)
    x[0, :2] = 0
    return x


@pytest.mark.parametrize("src,dst", CASTS,
                         ids=[f"{np.dtype(s).name}-{np.dtype(d).name}"
                              for s, d in CASTS])
def test_cast(tmp_path, opt, src, dst):
    x = _cast_input(src)
    if dst == np.bool_:
        expected = x != 0
    elif np.dtype(dst).kind == "i" and np.dtype(src).kind == "f":
        expected = np.trunc(x).astype(dst)
    else:
        expected = x.astype(dst)
    check(tmp_path, opt, {"x": x},
          f"kiln.cast %x : {T(x)} to {T(expected)}", expected)


def test_where(tmp_path, opt):
    c = rng(18).integers(0, 2, (4, 1)).astype(bool)
    a = randn(4, 5, seed=19)
    b = np.array(-1.25, dtype=np.float32)
    expected = np.where(c, a, b)
    check(tmp_path, opt, {"c": c, "a": a, "b": b},
          f"kiln.where %c, %a, %b : ({T(c)}, {T(a)}, {T(b)}) -> {T(expected)}",
          expected)


def test_where_i32_broadcast_all(tmp_path, opt):
    c = rng(20).integers(0, 2, (3, 1, 4)).astype(bool)
    a = ints(-9, 9, 2, 1, seed=21)
    b = ints(-9, 9, 4, seed=22)
    expected = np.where(c, a, b).astype(np.int32)
    check(tmp_path, opt, {"c": c, "a": a, "b": b},
          f"kiln.where %c, %a, %b : ({T(c)}, {T(a)}, {T(b)}) -> {T(expected)}",
          expected)


# ----------------------------------------------------------------------------
# Linear algebra
# ----------------------------------------------------------------------------

MATMUL_SHAPES = {
    "2d": ((5, 7), (7, 3)),
    "batched": ((2, 5, 7), (2, 7, 3)),
    "broadcast_batch": ((2, 1, 4, 6), (3, 6, 5)),
    "3d_x_2d": ((3, 4, 6), (6, 5)),
    "2d_x_3d": ((4, 6), (2, 6, 5)),
    "large": ((33, 70), (70, 19)),
}


@pytest.mark.parametrize("case", sorted(MATMUL_SHAPES))
def test_matmul(tmp_path, opt, case):
    sa, sb = MATMUL_SHAPES[case]
    a, b = randn(*sa, seed=23), randn(*sb, seed=24)
    expected = np.matmul(a.astype(np.float64), b).astype(np.float32)
    check(tmp_path, opt, {"a": a, "b": b},
          f"kiln.matmul %a, %b : ({T(a)}, {T(b)}) -> {T(expected)}",
          expected, rtol=1e-5, atol=1e-5)


def test_matmul_i32(tmp_path, opt):
    a, b = ints(-5, 5, 3, 4, seed=25), ints(-5, 5, 4, 2, seed=26)
    expected = (a @ b).astype(np.int32)
    check(tmp_path, opt, {"a": a, "b": b},
          f"kiln.matmul %a, %b : ({T(a)}, {T(b)}) -> {T(expected)}", expected)


GEMM_CASES = {
    "plain": (False, False, None, None, None),
    "trans_a": (True, False, None, None, (5,)),
    "trans_b": (False, True, None, None, (5,)),
    "trans_both": (True, True, 0.5, 2.0, (4, 5)),
    "alpha_beta_c2d": (False, False, -1.5, 0.25, (4, 5)),
    "bias_row": (False, True, 1.0, 1.0, (1, 5)),
    "bias_col": (False, False, 2.0, -1.0, (4, 1)),
}


@pytest.mark.parametrize("case", sorted(GEMM_CASES))
def test_gemm(tmp_path, opt, case):
    ta, tb, alpha, beta, cshape = GEMM_CASES[case]
    m, k, n = 4, 6, 5
    a = randn(*((k, m) if ta else (m, k)), seed=27)
    b = randn(*((n, k) if tb else (k, n)), seed=28)
    inputs = {"a": a, "b": b}
    ref = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b)
    ref *= 1.0 if alpha is None else alpha
    if cshape is not None:
        c = randn(*cshape, seed=29)
        inputs["c"] = c
        ref = ref + (1.0 if beta is None else beta) * c
    expected = ref.astype(np.float32)
    attrs = []
    if ta:
        attrs.append("trans_a = true")
    if tb:
        attrs.append("trans_b = true")
    if alpha is not None:
        attrs.append(f"alpha = {alpha} : f64")
    if beta is not None:
        attrs.append(f"beta = {beta} : f64")
    operands = ", ".join("%" + k for k in inputs)
    types = ", ".join(T(v) for v in inputs.values())
    attr_text = "{" + ", ".join(attrs) + "}" if attrs else ""
    check(tmp_path, opt, inputs,
          f"kiln.gemm {operands} {attr_text} : ({types}) -> {T(expected)}",
          expected, rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------------------
# Convolution and pooling
# ----------------------------------------------------------------------------


def conv2d_ref(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0),
               dilations=(1, 1), groups=1):
    x, w = x.astype(np.float64), w.astype(np.float64)
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    sh, sw = strides
    dh, dw = dilations
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + pads[1] + pads[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, f, oh, ow))
    fg = f // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * fg:(g + 1) * fg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                           j * dw:j * dw + sw * (ow - 1) + 1:sw]
                out[:, g * fg:(g + 1) * fg] += np.einsum(
                    "nchw,fc->nfhw", patch, ws[:, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out.astype(np.float32)


# name -> (x shape, w shape, bias, strides, pads, dilations, groups)
CONV_CASES = {
    "basic": ((1, 3, 8, 8), (4, 3, 3, 3), False, (1, 1), (0, 0, 0, 0), (1, 1), 1),
    "bias_padding": ((2, 3, 7, 9), (5, 3, 3, 3), True, (1, 1), (1, 1, 1, 1), (1, 1), 1),
    "strides_asym_pads": ((1, 2, 11, 10), (3, 2, 3, 2), True, (2, 3), (1, 0, 2, 1), (1, 1), 1),
    "dilation": ((1, 2, 12, 12), (3, 2, 3, 3), False, (1, 1), (2, 2, 2, 2), (2, 2), 1),
    "pointwise": ((2, 8, 5, 5), (6, 8, 1, 1), True, (1, 1), (0, 0, 0, 0), (1, 1), 1),
    "depthwise": ((2, 6, 9, 9), (6, 1, 3, 3), True, (2, 2), (1, 1, 1, 1), (1, 1), 6),
    "grouped": ((1, 6, 8, 8), (4, 3, 3, 3), True, (1, 1), (1, 1, 1, 1), (1, 1), 2),
    "depthwise_multiplier": ((1, 3, 7, 7), (6, 1, 3, 3), False, (1, 1), (0, 0, 0, 0), (1, 1), 3),
}


@pytest.mark.parametrize("case", sorted(CONV_CASES))
def test_conv2d(tmp_path, opt, case):
    xs, ws, has_bias, strides, pads, dilations, groups = CONV_CASES[case]
    x, w = randn(*xs, seed=30), randn(*ws, seed=31)
    inputs = {"x": x, "w": w}
    b = None
    if has_bias:
        b = randn(ws[0], seed=32)
        inputs["b"] = b
    expected = conv2d_ref(x, w, b, strides, pads, dilations, groups)
    operands = ", ".join("%" + k for k in inputs)
    types = ", ".join(T(v) for v in inputs.values())
    attrs = (f"{{strides = array<i64: {strides[0]}, {strides[1]}>, "
             f"pads = array<i64: {', '.join(map(str, pads))}>, "
             f"dilations = array<i64: {dilations[0]}, {dilations[1]}>, "
             f"groups = {groups} : i64}}")
    check(tmp_path, opt, inputs,
          f"kiln.conv2d {operands} {attrs} : ({types}) -> {T(expected)}",
          expected, rtol=1e-5, atol=1e-5)


def pool_ref(x, kind, kernel, strides=(1, 1), pads=(0, 0, 0, 0),
             dilations=(1, 1), count_include_pad=False):
    x = x.astype(np.float64)
    n, c, h, w = x.shape
    kh, kw = kernel
    sh, sw = strides
    dh, dw = dilations
    oh = (h + pads[0] + pads[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (w + pads[1] + pads[3] - dw * (kw - 1) - 1) // sw + 1
    widths = ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3]))
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x, widths, constant_values=fill)
    ones = np.pad(np.ones_like(x), widths)
    acc = np.full((n, c, oh, ow), fill)
    count = np.zeros((n, c, oh, ow))
    for i in range(kh):
        for j in range(kw):
            win = (slice(None), slice(None),
                   slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                   slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))
            if kind == "max":
                acc = np.maximum(acc, xp[win])
            else:
                acc += xp[win]
                count += ones[win] if not count_include_pad else 1.0
    if kind == "avg":
        acc /= count
    return acc.astype(np.float32)


def _pool_attrs(kernel, strides, pads, dilations, extra=""):
    text = (f"kernel = array<i64: {kernel[0]}, {kernel[1]}>, "
            f"strides = array<i64: {strides[0]}, {strides[1]}>, "
            f"pads = array<i64: {', '.join(map(str, pads))}>, "
            f"dilations = array<i64: {dilations[0]}, {dilations[1]}>")
    return "{" + text + extra + "}"


POOL_CASES = {
    "k2s2": ((2, 3, 8, 8), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1)),
    "k3s2p1": ((1, 4, 9, 9), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1)),
    "k3s1_asym_pads": ((1, 2, 7, 6), (3, 2), (1, 1), (1, 0, 2, 1), (1, 1)),
    "dilated": ((1, 2, 9, 9), (2, 2), (1, 1), (0, 0, 0, 0), (2, 2)),
}


@pytest.mark.parametrize("case", sorted(POOL_CASES))
def test_max_pool2d(tmp_path, opt, case):
    xs, kernel, strides, pads, dilations = POOL_CASES[case]
    x = randn(*xs, seed=33)
    # Negative inputs make an ignored padding value visible.
    x = -np.abs(x) - 1
    expected = pool_ref(x, "max", kernel, strides, pads, dilations)
    attrs = _pool_attrs(kernel, strides, pads, dilations)
    check(tmp_path, opt, {"x": x},
          f"kiln.max_pool2d %x {attrs} : {T(x)} -> {T(expected)}", expected)


@pytest.mark.parametrize("count_include_pad", [None, False, True])
@pytest.mark.parametrize("case", ["k2s2", "k3s2p1", "k3s1_asym_pads"])
def test_avg_pool2d(tmp_path, opt, case, count_include_pad):
    xs, kernel, strides, pads, dilations = POOL_CASES[case]
    x = randn(*xs, seed=34)
    expected = pool_ref(x, "avg", kernel, strides, pads, dilations,
                        bool(count_include_pad))
    extra = ("" if count_include_pad is None else
             f", count_include_pad = {str(count_include_pad).lower()}")
    attrs = _pool_attrs(kernel, strides, pads, dilations, extra)
    check(tmp_path, opt, {"x": x},
          f"kiln.avg_pool2d %x {attrs} : {T(x)} -> {T(expected)}", expected)


@pytest.mark.parametrize("name", ["global_avg_pool", "global_max_pool"])
@pytest.mark.parametrize("shape", [(2, 3, 5, 7), (1, 4, 6)])
def test_global_pool(tmp_path, opt, name, shape):
    x = randn(*shape, seed=35)
    axes = tuple(range(2, x.ndim))
    ref = x.astype(np.float64).mean(axes, keepdims=True) \
        if name == "global_avg_pool" else x.max(axes, keepdims=True)
    expected = ref.astype(np.float32)
    check(tmp_path, opt, {"x": x},
          f"kiln.{name} %x : {T(x)} -> {T(expected)}", expected, **REDUCTION)


# ----------------------------------------------------------------------------
# Normalization and softmax
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("epsilon", [None, 1e-3])
def test_batch_norm(tmp_path, opt, epsilon):
    x = randn(2, 3, 4, 5, seed=36)
    s, b, m = randn(3, seed=37), randn(3, seed=38), randn(3, seed=39)
    v = uniform(0.1, 2.0, 3, seed=40)
    eps = 1e-5 if epsilon is None else epsilon
    shape = (1, 3, 1, 1)
    ref = ((x.astype(np.float64) - m.reshape(shape)) /
           np.sqrt(v.reshape(shape).astype(np.float64) + eps) *
           s.reshape(shape) + b.reshape(shape))
    expected = ref.astype(np.float32)
    attrs = "" if epsilon is None else f"{{epsilon = {epsilon} : f64}}"
    inputs = {"x": x, "s": s, "b": b, "m": m, "v": v}
    types = ", ".join(T(a) for a in inputs.values())
    check(tmp_path, opt, inputs,
          f"kiln.batch_norm %x, %s, %b, %m, %v {attrs} : ({types}) -> {T(x)}",
          expected, rtol=1e-5, atol=1e-5)


def layer_norm_ref(x, scale, bias, axis, eps):
    axes = tuple(range(axis % x.ndim, x.ndim))
    xd = x.astype(np.float64)
    mean = xd.mean(axes, keepdims=True)
    var = ((xd - mean) ** 2).mean(axes, keepdims=True)
    out = (xd - mean) / np.sqrt(var + eps) * scale
    if bias is not None:
        out = out + bias
    return out.astype(np.float32)


def test_layer_norm_last_axis(tmp_path, opt):
    x = randn(2, 3, 16, seed=41, scale=3.0) + 2.0
    g, b = randn(16, seed=42), randn(16, seed=43)
    expected = layer_norm_ref(x, g, b, -1, 1e-5)
    check(tmp_path, opt, {"x": x, "g": g, "b": b},
          f"kiln.layer_norm %x, %g, %b {{axis = -1 : i64}} : "
          f"({T(x)}, {T(g)}, {T(b)}) -> {T(x)}",
          expected, rtol=1e-5, atol=1e-5)


def test_layer_norm_two_axes_no_bias(tmp_path, opt):
    x = randn(2, 3, 4, 5, seed=44)
    g = randn(4, 5, seed=45)
    expected = layer_norm_ref(x, g, None, 2, 1e-3)
    check(tmp_path, opt, {"x": x, "g": g},
          f"kiln.layer_norm %x, %g {{axis = 2 : i64, epsilon = 1.0e-3 : f64}} : "
          f"({T(x)}, {T(g)}) -> {T(x)}",
          expected, rtol=1e-5, atol=1e-5)


def _softmax(x, axis):
    xd = x.astype(np.float64)
    e = np.exp(xd - xd.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax(tmp_path, opt, axis):
    x = randn(3, 5, 7, seed=46, scale=4.0)
    expected = _softmax(x, axis).astype(np.float32)
    check(tmp_path, opt, {"x": x},
          unary("softmax", x, f"{{axis = {axis} : i64}}"), expected,
          **TRANSCENDENTAL)


@pytest.mark.parametrize("axis", [-1, 1])
def test_log_softmax(tmp_path, opt, axis):
    x = randn(3, 5, 7, seed=47, scale=4.0)
    expected = np.log(_softmax(x, axis)).astype(np.float32)
    check(tmp_path, opt, {"x": x},
          unary("log_softmax", x, f"{{axis = {axis} : i64}}"), expected,
          rtol=1e-5, atol=1e-4)


def test_softmax_default_axis(tmp_path, opt):
    x = randn(4, 9, seed=48)
    check(tmp_path, opt, {"x": x}, unary("softmax", x),
          _softmax(x, -1).astype(np.float32), **TRANSCENDENTAL)


# ----------------------------------------------------------------------------
# Reductions
# ----------------------------------------------------------------------------

REDUCTIONS = {
    "reduce_sum": np.sum,
    "reduce_mean": np.mean,
    "reduce_max": np.max,
    "reduce_min": np.min,
    "reduce_prod": np.prod,
}

REDUCE_AXES = [
    ((1,), True), ((1,), False), ((0, 2), False), ((-1,), True), ((), True),
    ((), False),
]


@pytest.mark.parametrize("axes,keepdims", REDUCE_AXES,
                         ids=[f"{a}-{k}" for a, k in REDUCE_AXES])
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reduce(tmp_path, opt, name, axes, keepdims):
    x = uniform(0.5, 1.5, 3, 4, 5, seed=49)
    if name != "reduce_prod":
        x = randn(3, 4, 5, seed=49)
    np_axes = tuple(axes) if axes else None
    expected = REDUCTIONS[name](x.astype(np.float64), axis=np_axes,
                                keepdims=keepdims).astype(np.float32)
    attrs = (f"{{axes = array<i64{': ' if axes else ''}"
             f"{', '.join(map(str, axes))}>, keepdims = {str(keepdims).lower()}}}")
    check(tmp_path, opt, {"x": x},
          f"kiln.{name} %x {attrs} : {T(x)} -> {T(expected)}", expected,
          **REDUCTION)


def test_reduce_default_attrs(tmp_path, opt):
    x = randn(3, 4, seed=50)
    expected = x.astype(np.float64).sum(keepdims=True).astype(np.float32)
    check(tmp_path, opt, {"x": x},
          f"kiln.reduce_sum %x : {T(x)} -> {T(expected)}", expected,
          **REDUCTION)


@pytest.mark.parametrize("name", ["reduce_sum", "reduce_max", "reduce_min",
                                  "reduce_prod"])
def test_reduce_i32(tmp_path, opt, name):
    x = ints(-4, 5, 3, 4, 5, seed=51)
    expected = REDUCTIONS[name](x, axis=1).astype(np.int32)
    check(tmp_path, opt, {"x": x},
          f"kiln.{name} %x {{axes = array<i64: 1>, keepdims = false}} : "
          f"{T(x)} -> {T(expected)}", expected)


def test_reduce_large_row(tmp_path, opt):
    # Long enough to exercise vectorized accumulation.
    x = randn(3, 1000, seed=52)
    expected = x.astype(np.float64).sum(1, keepdims=True).astype(np.float32)
    check(tmp_path, opt, {"x": x},
          f"kiln.reduce_sum %x {{axes = array<i64: 1>}} : {T(x)} -> "
          f"{T(expected)}", expected, rtol=1e-5, atol=1e-4)


ARG_CASES = [(1, False), (0, True), (-1, True), (2, False)]


@pytest.mark.parametrize("axis,keepdims", ARG_CASES,
                         ids=[f"{a}-{k}" for a, k in ARG_CASES])
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_reduce(tmp_path, opt, name, axis, keepdims):
    # Small integer values so that ties occur: the first index wins.
    x = ints(-3, 3, 3, 4, 5, seed=53).astype(np.float32)
    fn = np.argmax if name == "argmax" else np.argmin
    expected = fn(x, axis=axis)
    if keepdims:
        expected = np.expand_dims(expected, axis)
    expected = expected.astype(np.int64)
    check(tmp_path, opt, {"x": x},
          f"kiln.{name} %x {{axis = {axis} : i64, keepdims = "
          f"{str(keepdims).lower()}}} : {T(x)} -> {T(expected)}", expected)


def test_argmax_i32_default_attrs(tmp_path, opt):
    x = ints(-100, 100, 6, 4, seed=54)
    expected = np.argmax(x, axis=0)[None].astype(np.int64)
    check(tmp_path, opt, {"x": x},
          f"kiln.argmax %x : {T(x)} -> {T(expected)}", expected)


# ----------------------------------------------------------------------------
# Data movement
# ----------------------------------------------------------------------------

RESHAPES = {
    "copy_and_infer": ((2, 3, 4), (0, -1), (2, 12)),
    "infer_first": ((2, 3, 4), (-1, 4), (6, 4)),
    "copy_two": ((2, 3, 4), (0, 0, -1, 2), (2, 3, 2, 2)),
    "plain": ((2, 3, 4), (4, 6), (4, 6)),
    "to_1d": ((2, 3, 4), (-1,), (24,)),
}


@pytest.mark.parametrize("case", sorted(RESHAPES))
def test_reshape(tmp_path, opt, case):
    shape, target, result = RESHAPES[case]
    x = randn(*shape, seed=55)
    expected = x.reshape(result)
    check(tmp_path, opt, {"x": x},
          f"kiln.reshape %x {{shape = array<i64: {', '.join(map(str, target))}>}}"
          f" : {T(x)} -> {T(expected)}", expected)


@pytest.mark.parametrize("perm", [(1, 0, 2), (2, 0, 1), (0, 2, 1), (2, 1, 0)])
def test_transpose(tmp_path, opt, perm):
    x = randn(2, 3, 4, seed=56)
    expected = np.transpose(x, perm)
    check(tmp_path, opt, {"x": x},
          f"kiln.transpose %x {{perm = array<i64: {', '.join(map(str, perm))}>}}"
          f" : {T(x)} -> {T(expected)}", expected)


def test_transpose_4d_i64(tmp_path, opt):
    x = ints(-100, 100, 2, 3, 4, 5, seed=57, dtype=np.int64)
    expected = np.transpose(x, (0, 2, 1, 3))
    check(tmp_path, opt, {"x": x},
          f"kiln.transpose %x {{perm = array<i64: 0, 2, 1, 3>}} : "
          f"{T(x)} -> {T(expected)}", expected)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat(tmp_path, opt, axis):
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for i, s in enumerate(shapes):
        s[axis] += i
    a, b, c = (randn(*s, seed=58 + i) for i, s in enumerate(shapes))
    expected = np.concatenate([a, b, c], axis=axis)
    check(tmp_path, opt, {"a": a, "b": b, "c": c},
          f"kiln.concat %a, %b, %c {{axis = {axis} : i64}} : "
          f"({T(a)}, {T(b)}, {T(c)}) -> {T(expected)}", expected)


# name -> (starts, ends, axes, steps, numpy index)
SLICES = {
    "steps": ([1], [-1], [1], [2], np.s_[:, 1:-1:2]),
    "negative_step": ([-1], [-11], [1], [-1], np.s_[:, ::-1]),
    "negative_step_3": ([8], [1], [1], [-3], np.s_[:, 8:1:-3]),
    "negative_starts": ([-4, -3], [100, 6], [0, 1], [], np.s_[-4:, -3:6]),
    "leading_axes": ([1, 2], [5, 9], [], [], np.s_[1:5, 2:9]),
    "negative_axis_step": ([0], [6], [-1], [3], np.s_[:, 0:6:3]),
}


@pytest.mark.parametrize("case", sorted(SLICES))
def test_slice(tmp_path, opt, case):
    starts, ends, axes, steps, index = SLICES[case]
    x = randn(6, 10, seed=61)
    expected = x[index]

    def arr(v):
        return "array<i64" + (": " + ", ".join(map(str, v)) if v else "") + ">"

    attrs = f"starts = {arr(starts)}, ends = {arr(ends)}"
    if axes:
        attrs += f", axes = {arr(axes)}"
    if steps:
        attrs += f", steps = {arr(steps)}"
    check(tmp_path, opt, {"x": x},
          f"kiln.slice %x {{{attrs}}} : {T(x)} -> {T(expected)}", expected)


@pytest.mark.parametrize("axis,idx_dtype", [(0, np.int64), (1, np.int32),
                                            (-1, np.int64)])
def test_gather(tmp_path, opt, axis, idx_dtype):
    data = randn(5, 4, 3, seed=62)
    n = data.shape[axis]
    idx = np.array([[0, -1], [n - 2, -n]], dtype=idx_dtype)
    expected = np.take(data, idx, axis=axis)
    check(tmp_path, opt, {"data": data, "idx": idx},
          f"kiln.gather %data, %idx {{axis = {axis} : i64}} : "
          f"({T(data)}, {T(idx)}) -> {T(expected)}", expected)


def test_gather_scalar_index(tmp_path, opt):
    data = randn(5, 4, seed=63)
    idx = np.array(-2, dtype=np.int64)
    expected = np.take(data, idx, axis=0)
    check(tmp_path, opt, {"data": data, "idx": idx},
          f"kiln.gather %data, %idx : ({T(data)}, {T(idx)}) -> {T(expected)}",
          expected)


@pytest.mark.parametrize("axis,idx_dtype", [(0, np.int64), (1, np.int32),
                                            (-1, np.int64)])
def test_gather_elements(tmp_path, opt, axis, idx_dtype):
    data = randn(3, 4, 5, seed=95)
    shape = [3, 4, 5]
    shape[axis] = 2
    n = data.shape[axis]
    idx = rng(96).integers(-n, n, shape).astype(idx_dtype)
    expected = np.take_along_axis(data, idx.astype(np.int64), axis=axis)
    check(tmp_path, opt, {"data": data, "idx": idx},
          f"kiln.gather_elements %data, %idx {{axis = {axis} : i64}} : "
          f"({T(data)}, {T(idx)}) -> {T(expected)}", expected)


@pytest.mark.parametrize("shape,target", [
    ((2, 1), (4, 1, 3)),
    ((3, 1), (3, 4)),
    ((1, 4), (2,  1, 1)),
    ((5,), (2, 5)),
])
def test_expand(tmp_path, opt, shape, target):
    x = randn(*shape, seed=64)
    expected = np.broadcast_to(x, np.broadcast_shapes(shape, target)).copy()
    check(tmp_path, opt, {"x": x},
          f"kiln.expand %x {{shape = array<i64: {', '.join(map(str, target))}>}}"
          f" : {T(x)} -> {T(expected)}", expected)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", None])
def test_pad(tmp_path, opt, mode):
    x = randn(3, 4, seed=65)
    pads = [1, 2, 2, 1]  # before dim 0, before dim 1, after dim 0, after dim 1
    widths = ((1, 2), (2, 1))
    if mode in ("constant", None):
        value = 1.5 if mode else 0.0
        expected = np.pad(x, widths, constant_values=value)
        attrs = f", value = {value} : f64" if mode else ""
        attrs += ', mode = "constant"' if mode else ""
    else:
        expected = np.pad(x, widths, mode=mode)
        attrs = f', mode = "{mode}"'
    check(tmp_path, opt, {"x": x},
          f"kiln.pad %x {{pads = array<i64: {', '.join(map(str, pads))}>"
          f"{attrs}}} : {T(x)} -> {T(expected)}", expected)


def test_pad_i32_3d(tmp_path, opt):
    x = ints(-9, 9, 2, 3, 4, seed=66)
    expected = np.pad(x, ((0, 1), (1, 0), (2, 2)), mode="reflect")
    check(tmp_path, opt, {"x": x},
          f'kiln.pad %x {{pads = array<i64: 0, 1, 2, 1, 0, 2>, mode = "reflect"}}'
          f" : {T(x)} -> {T(expected)}", expected)


@pytest.mark.parametrize("axes", [(1,), (), (-1,), (1, 3)])
def test_squeeze(tmp_path, opt, axes):
    x = randn(4, 1, 3, 1, seed=67)
    expected = np.squeeze(x, axis=axes if axes else None)
    attr = (f"{{axes = array<i64: {', '.join(map(str, axes))}>}}"
            if axes else "")
    check(tmp_path, opt, {"x": x},
          f"kiln.squeeze %x {attr} : {T(x)} -> {T(expected)}", expected)


@pytest.mark.parametrize("axes,shape", [((0, 3), (1, 4, 3, 1)),
                                        ((-1,), (4, 3, 1)),
                                        ((1,), (4, 1, 3))])
def test_unsqueeze(tmp_path, opt, axes, shape):
    x = randn(4, 3, seed=68)
    expected = x.reshape(shape)
    check(tmp_path, opt, {"x": x},
          f"kiln.unsqueeze %x {{axes = array<i64: {', '.join(map(str, axes))}>}}"
          f" : {T(x)} -> {T(expected)}", expected)


@pytest.mark.parametrize("axis", [None, 0, 2, 3, -1])
def test_flatten(tmp_path, opt, axis):
    x = randn(2, 3, 4, 5, seed=69)
    a = 1 if axis is None else axis % 4
    lead = int(np.prod(x.shape[:a]))
    expected = x.reshape(lead, -1)
    attr = "" if axis is None else f"{{axis = {axis} : i64}}"
    check(tmp_path, opt, {"x": x},
          f"kiln.flatten %x {attr} : {T(x)} -> {T(expected)}", expected)


# ----------------------------------------------------------------------------
# Dynamic shapes: compiled once, run at two batch sizes.
# ----------------------------------------------------------------------------


def test_dynamic_batch_dense(tmp_path, opt):
    w = randn(8, 5, seed=70)
    bias = randn(5, seed=71)
    xt = tensor_type((None, 8))
    yt = tensor_type((None, 5))
    body = f"""
%h = kiln.gemm %x, %w, %bias : ({xt}, {T(w)}, {T(bias)}) -> {yt}
%r = kiln.relu %h : {yt}
%p = kiln.softmax %r {{axis = -1 : i64}} : {yt}
%s = kiln.reduce_sum %h {{axes = array<i64: 1>, keepdims = false}} : {yt} -> {tensor_type((None,))}
"""
    mlir = func_text([("x", xt), ("w", T(w)), ("bias", T(bias))],
                     [("probs", yt, "%p"), ("sums", tensor_type((None,)), "%s")],
                     body)
    so = compile_mlir(mlir, tmp_path, opt)
    for batch in (3, 7):
        x = randn(batch, 8, seed=batch)
        out = run_model(so, {"x": x, "w": w, "bias": bias}, tmp_path,
                        tag=f"b{batch}")
        h = x.astype(np.float64) @ w + bias
        assert_close(out["probs"],
                     _softmax(np.maximum(h, 0), -1).astype(np.float32),
                     **TRANSCENDENTAL)
        assert_close(out["sums"], h.sum(1).astype(np.float32), **REDUCTION)


def test_dynamic_batch_data_movement(tmp_path, opt):
    xt = tensor_type((None, 3, 4))
    bt = tensor_type((4,))
    body = f"""
%a = kiln.add %x, %b : ({xt}, {bt}) -> {xt}
%f = kiln.reshape %a {{shape = array<i64: 0, -1>}} : {xt} -> {tensor_type((None, 12))}
%t = kiln.transpose %a {{perm = array<i64: 1, 0, 2>}} : {xt} -> {tensor_type((3, None, 4))}
%c = kiln.concat %x, %a {{axis = 0 : i64}} : ({xt}, {xt}) -> {tensor_type((None, 3, 4))}
%u = kiln.unsqueeze %x {{axes = array<i64: 1>}} : {xt} -> {tensor_type((None, 1, 3, 4))}
%m = kiln.max_pool2d %u {{kernel = array<i64: 2, 2>}} : {tensor_type((None, 1, 3, 4))} -> {tensor_type((None, 1, 2, 3))}
"""
    mlir = func_text([("x", xt), ("b", bt)], [
        ("flat", tensor_type((None, 12)), "%f"),
        ("tr", tensor_type((3, None, 4)), "%t"),
        ("cat", tensor_type((None, 3, 4)), "%c"),
        ("pool", tensor_type((None, 1, 2, 3)), "%m")], body)
    so = compile_mlir(mlir, tmp_path, opt)
    b = randn(4, seed=72)
    for batch in (2, 5):
        x = randn(batch, 3, 4, seed=batch + 10)
        out = run_model(so, {"x": x, "b": b}, tmp_path, tag=f"b{batch}")
        a = x + b
        assert_close(out["flat"], a.reshape(batch, 12))
        assert_close(out["tr"], a.transpose(1, 0, 2))
        assert_close(out["cat"], np.concatenate([x, a], 0))
        assert_close(out["pool"], pool_ref(x[:, None], "max", (2, 2)))


def test_dynamic_batch_matmul_softmax(tmp_path, opt):
    xt = tensor_type((None, 4, 6))
    w = randn(6, 6, seed=73)
    body = f"""
%q = kiln.matmul %x, %w : ({xt}, {T(w)}) -> {xt}
%kt = kiln.transpose %x {{perm = array<i64: 0, 2, 1>}} : {xt} -> {tensor_type((None, 6, 4))}
%s = kiln.matmul %q, %kt : ({xt}, {tensor_type((None, 6, 4))}) -> {tensor_type((None, 4, 4))}
%p = kiln.softmax %s : {tensor_type((None, 4, 4))}
%n = kiln.layer_norm %x, %g {{axis = -1 : i64}} : ({xt}, {tensor_type((6,))}) -> {xt}
"""
    g = randn(6, seed=74)
    mlir = func_text([("x", xt), ("w", T(w)), ("g", T(g))], [
        ("p", tensor_type((None, 4, 4)), "%p"), ("n", xt, "%n")], body)
    so = compile_mlir(mlir, tmp_path, opt)
    for batch in (1, 4):
        x = randn(batch, 4, 6, seed=batch + 20)
        out = run_model(so, {"x": x, "w": w, "g": g}, tmp_path,
                        tag=f"b{batch}")
        s = (x.astype(np.float64) @ w) @ x.transpose(0, 2, 1)
        assert_close(out["p"], _softmax(s, -1).astype(np.float32),
                     **TRANSCENDENTAL)
        assert_close(out["n"], layer_norm_ref(x, g, None, -1, 1e-5),
                     rtol=1e-5, atol=1e-5)


# Fully dynamic shapes, op by op: each case is compiled once and run on two
# differently shaped sets of inputs.
# name -> (args [(name, type)], op text, result type, inputs(variant), ref)
def _dyn(*dims, elem="f32"):
    return "tensor<" + "".join(f"{d}x" for d in dims) + elem + ">"


def _pool_inputs(v):
    return {"x": randn(1 + v, 3, 7 + 2 * v, 6 + v, seed=80 + v)}


DYNAMIC_CASES = {
    "softmax": ([("x", _dyn("?", "?"))], "kiln.softmax %x : {r}", _dyn("?", "?"),
                lambda v: {"x": randn(2 + v, 5 + 3 * v, seed=v)},
                lambda x: _softmax(x, -1)),
    "log_softmax_axis0": ([("x", _dyn("?", "?"))],
                          "kiln.log_softmax %x {{axis = 0 : i64}} : {r}",
                          _dyn("?", "?"),
                          lambda v: {"x": randn(2 + v, 5 + 3 * v, seed=v)},
                          lambda x: np.log(_softmax(x, 0))),
    "reduce_mean": ([("x", _dyn("?", "?"))],
                    "kiln.reduce_mean %x {{axes = array<i64: 1>}} : {a} -> {r}",
                    _dyn("?", 1),
                    lambda v: {"x": randn(2 + v, 5 + 3 * v, seed=v)},
                    lambda x: x.astype(np.float64).mean(1, keepdims=True)),
    "reduce_max_all": ([("x", _dyn("?", "?"))],
                       "kiln.reduce_max %x {{keepdims = false}} : {a} -> {r}",
                       "tensor<f32>",
                       lambda v: {"x": randn(2 + v, 5 + 3 * v, seed=v)},
                       lambda x: x.max()),
    "argmax": ([("x", _dyn("?", "?"))],
               "kiln.argmax %x {{axis = 1 : i64, keepdims = false}} : {a} -> {r}",
               _dyn("?", elem="i64"),
               lambda v: {"x": randn(2 + v, 5 + 3 * v, seed=v)},
               lambda x: np.argmax(x, 1).astype(np.int64)),
    "matmul": ([("a", _dyn("?", "?")), ("b", _dyn("?", "?"))],
               "kiln.matmul %a, %b : ({a}) -> {r}", _dyn("?", "?"),
               lambda v: {"a": randn(3 + v, 4 + v, seed=v),
                          "b": randn(4 + v, 5 + 2 * v, seed=v + 1)},
               lambda a, b: a.astype(np.float64) @ b),
    "matmul_3d_x_2d": ([("a", _dyn("?", "?", "?")), ("b", _dyn("?", "?"))],
                       "kiln.matmul %a, %b : ({a}) -> {r}", _dyn("?", "?", "?"),
                       lambda v: {"a": randn(2 + v, 3 + v, 4, seed=v),
                                  "b": randn(4, 5 + v, seed=v + 1)},
                       lambda a, b: a.astype(np.float64) @ b),
    "matmul_broadcast_batch": ([("a", _dyn("?", 1, "?", 4)), ("b", _dyn("?", 4, 3))],
                               "kiln.matmul %a, %b : ({a}) -> {r}",
                               _dyn("?", "?", "?", 3),
                               lambda v: {"a": randn(2, 1, 3 + v, 4, seed=v),
                                          "b": randn(3 + v, 4, 3, seed=v + 1)},
                               lambda a, b: a.astype(np.float64) @ b),
    "gemm_trans": ([("a", _dyn("?", "?")), ("b", _dyn("?", "?")), ("c", _dyn("?"))],
                   "kiln.gemm %a, %b, %c {{trans_a = true, trans_b = true, "
                   "alpha = 0.5 : f64}} : ({a}) -> {r}", _dyn("?", "?"),
                   lambda v: {"a": randn(4 + v, 3 + v, seed=v),
                              "b": randn(5 + v, 4 + v, seed=v + 1),
                              "c": randn(5 + v, seed=v + 2)},
                   lambda a, b, c: 0.5 * (a.T.astype(np.float64) @ b.T) + c),
    "conv2d": ([("x", _dyn("?", 3, "?", "?")), ("w", _dyn(4, 3, 3, 3)), ("b", _dyn(4))],
               "kiln.conv2d %x, %w, %b {{pads = array<i64: 1, 0, 1, 2>, "
               "strides = array<i64: 2, 1>}} : ({a}) -> {r}",
               _dyn("?", 4, "?", "?"),
               lambda v: {"x": randn(1 + v, 3, 6 + v, 7 + 2 * v, seed=v),
                          "w": randn(4, 3, 3, 3, seed=9), "b": randn(4, seed=8)},
               lambda x, w, b: conv2d_ref(x, w, b, (2, 1), (1, 0, 1, 2))),
    "conv2d_depthwise": ([("x", _dyn("?", 4, "?", "?")), ("w", _dyn(4, 1, 3, 3))],
                         "kiln.conv2d %x, %w {{groups = 4 : i64, "
                         "dilations = array<i64: 2, 1>}} : ({a}) -> {r}",
                         _dyn("?", 4, "?", "?"),
                         lambda v: {"x": randn(1 + v, 4, 7 + v, 6 + v, seed=v),
                                    "w": randn(4, 1, 3, 3, seed=9)},
                         lambda x, w: conv2d_ref(x, w, None, dilations=(2, 1),
                                                 groups=4)),
    "max_pool2d": ([("x", _dyn("?", 3, "?", "?"))],
                   "kiln.max_pool2d %x {{kernel = array<i64: 3, 3>, strides = "
                   "array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}} : {a} -> {r}",
                   _dyn("?", 3, "?", "?"), _pool_inputs,
                   lambda x: pool_ref(x, "max", (3, 3), (2, 2), (1, 1, 1, 1))),
    "avg_pool2d": ([("x", _dyn("?", 3, "?", "?"))],
                   "kiln.avg_pool2d %x {{kernel = array<i64: 3, 2>, pads = "
                   "array<i64: 1, 0, 1, 1>}} : {a} -> {r}",
                   _dyn("?", 3, "?", "?"), _pool_inputs,
                   lambda x: pool_ref(x, "avg", (3, 2), (1, 1), (1, 0, 1, 1))),
    "avg_pool2d_include_pad": ([("x", _dyn("?", 3, "?", "?"))],
                               "kiln.avg_pool2d %x {{kernel = array<i64: 2, 2>, "
                               "pads = array<i64: 1, 1, 1, 1>, count_include_pad"
                               " = true}} : {a} -> {r}",
                               _dyn("?", 3, "?", "?"), _pool_inputs,
                               lambda x: pool_ref(x, "avg", (2, 2), (1, 1),
                                                  (1, 1, 1, 1), (1, 1), True)),
    "global_avg_pool": ([("x", _dyn("?", "?", "?", "?"))],
                        "kiln.global_avg_pool %x : {a} -> {r}",
                        _dyn("?", "?", 1, 1), _pool_inputs,
                        lambda x: x.astype(np.float64).mean((2, 3), keepdims=True)),
    "global_max_pool": ([("x", _dyn("?", "?", "?", "?"))],
                        "kiln.global_max_pool %x : {a} -> {r}",
                        _dyn("?", "?", 1, 1), _pool_inputs,
                        lambda x: x.max((2, 3), keepdims=True)),
    "batch_norm": ([("x", _dyn("?", 3, "?", "?")), ("s", _dyn(3)), ("v", _dyn(3))],
                   "kiln.batch_norm %x, %s, %s, %s, %v : ({a}, tensor<3xf32>, "
                   "tensor<3xf32>) -> {r}",
                   _dyn("?", 3, "?", "?"),
                   lambda v: {"x": randn(1 + v, 3, 4 + v, 5, seed=v),
                              "s": randn(3, seed=5),
                              "v": uniform(0.5, 2, 3, seed=6)},
                   lambda x, s, v: (x - s[:, None, None]) / np.sqrt(
                       v[:, None, None].astype(np.float64) + 1e-5)
                   * s[:, None, None] + s[:, None, None]),
    "layer_norm": ([("x", _dyn("?", "?", 8)), ("g", _dyn(8)), ("b", _dyn(8))],
                   "kiln.layer_norm %x, %g, %b : ({a}) -> {r}", _dyn("?", "?", 8),
                   lambda v: {"x": randn(1 + v, 3 + v, 8, seed=v),
                              "g": randn(8, seed=5), "b": randn(8, seed=6)},
                   lambda x, g, b: layer_norm_ref(x, g, b, -1, 1e-5)),
    "layer_norm_dynamic_axis": ([("x", _dyn(2, "?")), ("g", _dyn("?"))],
                                "kiln.layer_norm %x, %g : ({a}) -> {r}",
                                _dyn(2, "?"),
                                lambda v: {"x": randn(2, 5 + 4 * v, seed=v),
                                           "g": randn(5 + 4 * v, seed=5)},
                                lambda x, g: layer_norm_ref(x, g, None, -1, 1e-5)),
    "slice": ([("x", _dyn("?", "?"))],
              "kiln.slice %x {{starts = array<i64: 1, -1>, ends = array<i64: "
              "-1, -100>, steps = array<i64: 2, -2>}} : {a} -> {r}",
              _dyn("?", "?"),
              lambda v: {"x": randn(5 + v, 6 + 3 * v, seed=v)},
              lambda x: x[1:-1:2, ::-2]),
    "pad_constant": ([("x", _dyn("?", "?"))],
                     "kiln.pad %x {{pads = array<i64: 1, 2, 0, 1>, value = "
                     "-2.5 : f64}} : {a} -> {r}", _dyn("?", "?"),
                     lambda v: {"x": randn(3 + v, 4 + v, seed=v)},
                     lambda x: np.pad(x, ((1, 0), (2, 1)), constant_values=-2.5)),
    "pad_edge": ([("x", _dyn("?", "?"))],
                 'kiln.pad %x {{pads = array<i64: 1, 2, 2, 1>, mode = "edge"}}'
                 " : {a} -> {r}", _dyn("?", "?"),
                 lambda v: {"x": randn(3 + v, 4 + v, seed=v)},
                 lambda x: np.pad(x, ((1, 2), (2, 1)), mode="edge")),
    "pad_reflect": ([("x", _dyn("?", "?"))],
                    'kiln.pad %x {{pads = array<i64: 1, 2, 2, 1>, mode = '
                    '"reflect"}} : {a} -> {r}', _dyn("?", "?"),
                    lambda v: {"x": randn(3 + v, 4 + v, seed=v)},
                    lambda x: np.pad(x, ((1, 2), (2, 1)), mode="reflect")),
    "gather": ([("x", _dyn("?", "?")), ("i", _dyn("?", elem="i64"))],
               "kiln.gather %x, %i {{axis = 1 : i64}} : ({a}) -> {r}",
               _dyn("?", "?"),
               lambda v: {"x": randn(3 + v, 5 + v, seed=v),
                          "i": np.array([0, -1, 2, -3][:2 + v], np.int64)},
               lambda x, i: np.take(x, i, axis=1)),
    "concat": ([("a", _dyn("?", "?")), ("b", _dyn("?", "?"))],
               "kiln.concat %a, %b {{axis = 1 : i64}} : ({a}) -> {r}",
               _dyn("?", "?"),
               lambda v: {"a": randn(3 + v, 2 + v, seed=v),
                          "b": randn(3 + v, 4, seed=v + 1)},
               lambda a, b: np.concatenate([a, b], 1)),
    "expand": ([("x", _dyn("?", 1))],
               "kiln.expand %x {{shape = array<i64: 3, 1, 4>}} : {a} -> {r}",
               _dyn(3, "?", 4),
               lambda v: {"x": randn(2 + v, 1, seed=v)},
               lambda x: np.broadcast_to(x, (3, x.shape[0], 4))),
    "flatten": ([("x", _dyn("?", "?", 3))],
                "kiln.flatten %x {{axis = 2 : i64}} : {a} -> {r}", _dyn("?", 3),
                lambda v: {"x": randn(2 + v, 3 + v, 3, seed=v)},
                lambda x: x.reshape(-1, 3)),
    "reshape_infer": ([("x", _dyn("?", "?", 4))],
                      "kiln.reshape %x {{shape = array<i64: -1, 2>}} : {a} -> {r}",
                      _dyn("?", 2),
                      lambda v: {"x": randn(2 + v, 3, 4, seed=v)},
                      lambda x: x.reshape(-1, 2)),
    "reshape_copy_two_dynamic": ([("x", _dyn("?", "?", 4))],
                                 "kiln.reshape %x {{shape = array<i64: 0, 0, 2, "
                                 "2>}} : {a} -> {r}", _dyn("?", "?", 2, 2),
                                 lambda v: {"x": randn(2 + v, 3 + v, 4, seed=v)},
                                 lambda x: x.reshape(*x.shape[:2], 2, 2)),
    "squeeze": ([("x", _dyn("?", 1, "?"))], "kiln.squeeze %x : {a} -> {r}",
                _dyn("?", "?"),
                lambda v: {"x": randn(2 + v, 1, 3 + v, seed=v)},
                lambda x: x[:, 0]),
    "unsqueeze": ([("x", _dyn("?", "?"))],
                  "kiln.unsqueeze %x {{axes = array<i64: 1>}} : {a} -> {r}",
                  _dyn("?", 1, "?"),
                  lambda v: {"x": randn(2 + v, 3 + v, seed=v)},
                  lambda x: x[:, None]),
    "transpose": ([("x", _dyn("?", 3, "?"))],
                  "kiln.transpose %x {{perm = array<i64: 2, 0, 1>}} : {a} -> {r}",
                  _dyn("?", "?", 3),
                  lambda v: {"x": randn(2 + v, 3, 4 + v, seed=v)},
                  lambda x: x.transpose(2, 0, 1)),
    "broadcast_add": ([("a", _dyn("?", 1)), ("b", _dyn(1, "?"))],
                      "kiln.add %a, %b : ({a}) -> {r}", _dyn("?", "?"),
                      lambda v: {"a": randn(2 + v, 1, seed=v),
                                 "b": randn(1, 3 + 2 * v, seed=v + 1)},
                      lambda a, b: a + b),
    "where": ([("c", _dyn("?", "?", elem="i1")), ("a", _dyn("?", "?"))],
              "kiln.where %c, %a, %a : ({a}, {a1}) -> {r}", _dyn("?", "?"),
              lambda v: {"c": randn(2 + v, 3 + v, seed=v) > 0,
                         "a": randn(2 + v, 3 + v, seed=v + 1)},
              lambda c, a: np.where(c, a, a)),
    "cast_to_bool": ([("x", _dyn("?", "?"))],
                     "kiln.cast %x : {a} to {r}", _dyn("?", "?", elem="i1"),
                     lambda v: {"x": np.round(randn(2 + v, 17 + v, seed=v))},
                     lambda x: x != 0),
    "mod_i32": ([("a", _dyn("?", elem="i32")), ("b", _dyn("?", elem="i32"))],
                "kiln.mod %a, %b : ({a}) -> {r}", _dyn("?", elem="i32"),
                lambda v: {"a": ints(-20, 20, 5 + 9 * v, seed=v),
                           "b": ints(1, 6, 5 + 9 * v, seed=v + 1) *
                           np.where(ints(0, 2, 5 + 9 * v, seed=v + 2) > 0, 1, -1).astype(np.int32)},
                lambda a, b: np.mod(a, b).astype(np.int32)),
}


@pytest.mark.parametrize("case", sorted(DYNAMIC_CASES))
def test_dynamic_shapes(tmp_path, opt, case):
    args, op, result, make, ref = DYNAMIC_CASES[case]
    types = [t for _, t in args]
    text = op.format(a=", ".join(types) if len(types) > 1 else types[0],
                     a1=", ".join(types[1:]), r=result)
    so = compile_mlir(func_text(args, [("out", result, "%r")],
                                f"%r = {text}"), tmp_path, opt)
    for variant in (0, 1):
        inputs = make(variant)
        out = run_model(so, inputs, tmp_path, tag=f"v{variant}")["out"]
        expected = np.asarray(ref(**inputs))
        if expected.dtype == np.float64:
            expected = expected.astype(np.float32)
        assert_close(out, expected, rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------------------
# Functions of unusual form
# ----------------------------------------------------------------------------


def test_zero_size_tensor(tmp_path, opt):
    x = np.zeros((0, 4), np.float32)
    body = f"""
%e = kiln.exp %x : {T(x)}
%s = kiln.reduce_sum %x {{axes = array<i64: 0>, keepdims = false}} : {T(x)} -> tensor<4xf32>
"""
    out = run_func(tmp_path, opt, {"x": x}, body, [
        ("e", T(x), "%e"), ("s", "tensor<4xf32>", "%s")])
    assert_close(out["e"], x)
    assert_close(out["s"], np.zeros(4, np.float32))


def test_rank0_tensors(tmp_path, opt):
    x = np.array(0.75, np.float32)
    m = randn(3, 4, seed=90)
    body = f"""
%e = kiln.exp %x : tensor<f32>
%s = kiln.reduce_sum %m {{keepdims = false}} : {T(m)} -> tensor<f32>
%a = kiln.add %m, %e : ({T(m)}, tensor<f32>) -> {T(m)}
"""
    out = run_func(tmp_path, opt, {"x": x, "m": m}, body, [
        ("e", "tensor<f32>", "%e"), ("s", "tensor<f32>", "%s"),
        ("a", T(m), "%a")])
    assert_close(out["e"], np.exp(x), **TRANSCENDENTAL)
    assert_close(out["s"], np.float32(m.astype(np.float64).sum()), **REDUCTION)
    assert_close(out["a"], m + np.exp(x), **TRANSCENDENTAL)


def test_no_inputs_and_passthrough_outputs(tmp_path, opt):
    x = randn(4, seed=91)
    body = """
%c = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
%e = kiln.neg %x : tensor<4xf32>
"""
    out = run_func(tmp_path, opt, {"x": x}, body, [
        ("c", "tensor<4xf32>", "%c"), ("x_again", "tensor<4xf32>", "%x"),
        ("e1", "tensor<4xf32>", "%e"), ("e2", "tensor<4xf32>", "%e"),
        ("x_twice", "tensor<4xf32>", "%x")])
    assert_close(out["c"], f32([1, 2, 3, 4]))
    assert_close(out["x_again"], x)
    assert_close(out["x_twice"], x)
    assert_close(out["e1"], -x)
    assert_close(out["e2"], -x)
    mlir = ("func.func @main() -> tensor<2xi32> {\n"
            "  %c = kiln.constant dense<[7, -7]> : tensor<2xi32>\n"
            "  return %c : tensor<2xi32>\n}\n")
    so = compile_mlir(mlir, tmp_path, opt, name="noinputs")
    out = run_model(so, {}, tmp_path, tag="noinputs")
    assert_close(out["output0"], np.array([7, -7], np.int32))


def test_private_helper_and_second_entry_point(tmp_path, opt):
    mlir = """func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @helper(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @helper(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.abs %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @second(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.neg %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
"""
    so = compile_mlir(mlir, tmp_path, opt)
    x = randn(4, seed=92)
    np.save(tmp_path / "x.npy", x)
    for entry, expected in (("main", np.abs(x)), ("second", -x)):
        outdir = tmp_path / entry
        outdir.mkdir()
        run_tool("kiln-run", so, "--input", f"input0={tmp_path / 'x.npy'}",
                 "--entry", entry, "--output-dir", outdir)
        assert_close(np.load(outdir / "output0.npy"), expected)


@pytest.mark.parametrize("name", ["add", "exp", "softmax", "matmul"])
def test_f16(tmp_path, opt, name):
    a = randn(4, 8, seed=93).astype(np.float16)
    b = randn(8, 8, seed=94).astype(np.float16)
    ad, bd = a.astype(np.float64), b.astype(np.float64)
    if name == "add":
        inputs = {"a": a, "b": b[:4]}
        op = binary("add", a, b[:4], a)
        expected = ad + bd[:4]
    elif name == "matmul":
        inputs = {"a": a, "b": b}
        op = f"kiln.matmul %a, %b : ({T(a)}, {T(b)}) -> {T(a)}"
        expected = ad @ bd
    else:
        inputs = {"x": a}
        op = unary(name, a)
        expected = np.exp(ad) if name == "exp" else _softmax(ad, -1)
    check(tmp_path, opt, inputs, op, expected.astype(np.float16),
          rtol=2e-3, atol=2e-3)
