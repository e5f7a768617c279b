"""Bad input to every tool: a clear message on stderr and a non-zero exit
status, never a crash."""
import struct
from pathlib import Path

import numpy as np
import pytest

from kiln_e2e import TOOLS_DIR, compile_mlir, run_tool

CRASH_MARKERS = ["Stack dump", "LLVM ERROR", "PLEASE submit a bug report",
                 "terminate called", "Assertion", "Segmentation fault",
                 "Aborted", "core dumped"]


def expect_error(tool, *args, contains=()):
    """Runs `tool` expecting it to fail cleanly; returns its stderr."""
    proc = run_tool(tool, *args, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode > 0, \
        f"{tool} exited with {proc.returncode} (a signal is a crash):\n{output}"
    for marker in CRASH_MARKERS:
        assert marker not in output, f"{tool} crashed:\n{output}"
    for text in contains:
        assert text in proc.stderr, \
            f"{text!r} not in the error of {tool}:\n{proc.stderr}"
    return proc.stderr


# ----------------------------------------------------------------------------
# kiln-compile
# ----------------------------------------------------------------------------

GOOD = """func.func @main(%a: tensor<4x16xf32> {kiln.name = "a"}, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = kiln.add %a, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %1 = kiln.tanh %0 : tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def one_op(op_line, arg_types, result_type):
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(arg_types))
    return (f"func.func @main({params}) -> {result_type} {{\n"
            f"  %0 = {op_line}\n"
            f"  return %0 : {result_type}\n"
            f"}}\n")


def test_compile_malformed_ir(tmp_path):
    src = write(tmp_path, "bad.mlir",
                "func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
                "  %0 = kiln.add %a, %a : (tensor<4xf32>\n"
                "}\n")
    expect_error("kiln-compile", src, "-o", tmp_path / "out.so",
                 contains=[f"{src}:2:40: error: expected ')'"])


def test_compile_unknown_op(tmp_path):
    src = write(tmp_path, "unknown.mlir", one_op(
        "kiln.frobnicate %a0 : tensor<4xf32>", ["tensor<4xf32>"],
        "tensor<4xf32>"))
    expect_error("kiln-compile", src, "-o", tmp_path / "out.so",
                 contains=[f"{src}:2:8: error:", "'kiln.frobnicate'",
                           "unknown"])


# (op text, operand types, result type, op name, message fragment)
VERIFIER_ERRORS = {
    "softmax_axis": ("kiln.softmax %a0 {axis = 5 : i64} : tensor<4x8xf32>",
                     ["tensor<4x8xf32>"], "tensor<4x8xf32>", "kiln.softmax",
                     "axis 5"),
    "broadcast": ("kiln.add %a0, %a1 : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32>",
                  ["tensor<4xf32>", "tensor<3xf32>"], "tensor<4xf32>",
                  "kiln.add", "broadcast"),
    "matmul_inner": ("kiln.matmul %a0, %a1 : (tensor<4x5xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>",
                     ["tensor<4x5xf32>", "tensor<6x3xf32>"], "tensor<4x3xf32>",
                     "kiln.matmul", ""),
    "wrong_result_type": ("kiln.add %a0, %a0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<5xf32>",
                          ["tensor<4xf32>"], "tensor<5xf32>", "kiln.add", ""),
    "reshape_count": ("kiln.reshape %a0 {shape = array<i64: 5, -1>} : tensor<4x6xf32> -> tensor<5x5xf32>",
                      ["tensor<4x6xf32>"], "tensor<5x5xf32>", "kiln.reshape",
                      "cannot reshape"),
    "transpose_perm": ("kiln.transpose %a0 {perm = array<i64: 0, 0>} : tensor<4x6xf32> -> tensor<4x4xf32>",
                       ["tensor<4x6xf32>"], "tensor<4x4xf32>",
                       "kiln.transpose", "perm"),
    "conv_channels": ("kiln.conv2d %a0, %a1 : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>",
                      ["tensor<1x3x8x8xf32>", "tensor<4x2x3x3xf32>"],
                      "tensor<1x4x6x6xf32>", "kiln.conv2d", ""),
    "gather_float_indices": ("kiln.gather %a0, %a1 : (tensor<4x6xf32>, tensor<2xf32>) -> tensor<2x6xf32>",
                             ["tensor<4x6xf32>", "tensor<2xf32>"],
                             "tensor<2x6xf32>", "kiln.gather", ""),
    "slice_zero_step": ("kiln.slice %a0 {starts = array<i64: 0>, ends = array<i64: 4>, steps = array<i64: 0>} : tensor<4xf32> -> tensor<4xf32>",
                        ["tensor<4xf32>"], "tensor<4xf32>", "kiln.slice",
                        "steps"),
    "cast_shape": ("kiln.cast %a0 : tensor<4xf32> to tensor<5xi32>",
                   ["tensor<4xf32>"], "tensor<5xi32>", "kiln.cast", ""),
    "layer_norm_scale": ("kiln.layer_norm %a0, %a1 : (tensor<2x8xf32>, tensor<7xf32>) -> tensor<2x8xf32>",
                         ["tensor<2x8xf32>", "tensor<7xf32>"],
                         "tensor<2x8xf32>", "kiln.layer_norm", ""),
    "pool_pads": ("kiln.max_pool2d %a0 {kernel = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>} : tensor<1x1x8x8xf32> -> tensor<1x1x11x11xf32>",
                  ["tensor<1x1x8x8xf32>"], "tensor<1x1x11x11xf32>",
                  "kiln.max_pool2d", "pads"),
    "gelu_approximate": ('kiln.gelu %a0 {approximate = "sigmoid"} : tensor<4xf32>',
                         ["tensor<4xf32>"], "tensor<4xf32>", "kiln.gelu",
                         "approximate"),
}


@pytest.mark.parametrize("case", sorted(VERIFIER_ERRORS))
def test_compile_verifier_error(tmp_path, case):
    op, args, result, name, fragment = VERIFIER_ERRORS[case]
    src = write(tmp_path, "verify.mlir", one_op(op, args, result))
    stderr = expect_error("kiln-compile", src, "-o", tmp_path / "out.so",
                          contains=[f"{src}:2:8: error:", f"'{name}' op"])
    assert fragment in stderr


def test_compile_missing_input_file(tmp_path):
    missing = tmp_path / "nowhere.mlir"
    expect_error("kiln-compile", missing, "-o", tmp_path / "out.so",
                 contains=["cannot open", str(missing)])


def test_compile_unknown_output_extension(tmp_path):
    src = write(tmp_path, "good.mlir", GOOD)
    expect_error("kiln-compile", src, "-o", tmp_path / "out.xyz",
                 contains=["cannot tell what to write", "out.xyz"])
    assert not (tmp_path / "out.xyz").exists()


def test_compile_unknown_emit_kind(tmp_path):
    src = write(tmp_path, "good.mlir", GOOD)
    expect_error("kiln-compile", src, "-o", tmp_path / "out.so",
                 "--emit=bitcode", contains=["--emit"])


def test_compile_bad_opt_level(tmp_path):
    src = write(tmp_path, "good.mlir", GOOD)
    expect_error("kiln-compile", src, "-o", tmp_path / "out.so", "-O7",
                 contains=["-O7"])


def test_compile_unknown_target(tmp_path):
    src = write(tmp_path, "good.mlir", GOOD)
    expect_error("kiln-compile", src, "-o", tmp_path / "out.so",
                 "--target=tpu", contains=["unknown target 'tpu'"])


def test_compile_unwritable_output(tmp_path):
    src = write(tmp_path, "good.mlir", GOOD)
    out = tmp_path / "no" / "such" / "dir" / "out.so"
    expect_error("kiln-compile", src, "-o", out, contains=[str(out.parent)])


def test_compile_no_arguments():
    expect_error("kiln-compile")


@pytest.mark.parametrize("arg_type,what", [
    ("i32", "ranked tensor"),
    ("tensor<4xbf16>", "ranked tensor"),
])
def test_compile_unsupported_entry_point_type(tmp_path, arg_type, what):
    src = write(tmp_path, "types.mlir",
                f"func.func @main(%a: {arg_type}) -> {arg_type} {{\n"
                f"  return %a : {arg_type}\n}}\n")
    expect_error("kiln-compile", src, "-o", tmp_path / "out.so",
                 contains=[f"{src}:1:1: error:", "'main'", what])


# ----------------------------------------------------------------------------
# kiln-run
# ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A compiled model with inputs a: float32 [4, 16], input1: float32 [16]."""
    return compile_mlir(GOOD, tmp_path_factory.mktemp("model"), "-O0")


@pytest.fixture(scope="module")
def dynamic_model(tmp_path_factory):
    """A compiled model with one input x: float32 [?, 8]."""
    text = """func.func @main(%x: tensor<?x8xf32> {kiln.name = "x"}) -> tensor<?x8xf32> {
  %0 = kiln.relu %x : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
"""
    return compile_mlir(text, tmp_path_factory.mktemp("dyn"), "-O0")


def npy(tmp_path, name, array):
    path = tmp_path / name
    np.save(path, array)
    return path


@pytest.fixture
def good_inputs(tmp_path):
    return (npy(tmp_path, "a.npy", np.ones((4, 16), np.float32)),
            npy(tmp_path, "b.npy", np.ones(16, np.float32)))


def test_run_good_inputs(model, good_inputs, tmp_path):
    """The baseline the error cases below vary."""
    a, b = good_inputs
    run_tool("kiln-run", model, "--input", f"a={a}", "--input", f"input1={b}",
             "--output-dir", tmp_path)
    out = np.load(tmp_path / "output0.npy")
    np.testing.assert_allclose(out, np.tanh(2.0) * np.ones((4, 16)),
                               rtol=1e-5)


def test_run_missing_model(tmp_path, good_inputs):
    a, b = good_inputs
    missing = tmp_path / "missing.so"
    expect_error("kiln-run", missing, "--input", f"a={a}",
                 "--input", f"input1={b}",
                 contains=["cannot open model", str(missing)])


def test_run_not_a_shared_library(tmp_path):
    junk = write(tmp_path, "junk.so", "this is not an ELF file\n")
    expect_error("kiln-run", junk, "--info",
                 contains=["cannot load model", str(junk)])


def _library_without_metadata():
    for candidate in [TOOLS_DIR.parent / "lib" / "libKilnRuntime.so",
                      Path("/lib/x86_64-linux-gnu/libm.so.6"),
                      Path("/usr/lib/x86_64-linux-gnu/libm.so.6")]:
        if candidate.exists():
            return candidate
    pytest.skip("no shared library to load")


def test_run_not_a_kiln_model():
    lib = _library_without_metadata()
    expect_error("kiln-run", lib, "--info",
                 contains=["is not a Kiln model", "kiln_metadata"])


def test_run_model_is_a_directory(tmp_path):
    expect_error("kiln-run", tmp_path, "--info", contains=[str(tmp_path)])


def test_run_missing_input(model, good_inputs):
    a, _ = good_inputs
    expect_error("kiln-run", model, "--input", f"a={a}",
                 contains=["missing input 'input1'", "float32 [16]"])


def test_run_wrong_input_name(model, good_inputs):
    a, b = good_inputs
    expect_error("kiln-run", model, "--input", f"a={a}",
                 "--input", f"bogus={b}",
                 contains=["no input 'bogus'", "a, input1"])


def test_run_wrong_input_shape(model, tmp_path, good_inputs):
    _, b = good_inputs
    bad = npy(tmp_path, "bad.npy", np.ones((4, 15), np.float32))
    expect_error("kiln-run", model, "--input", f"a={bad}",
                 "--input", f"input1={b}",
                 contains=["input 'a'", "expected shape [4, 16]",
                           "got [4, 15]"])


def test_run_wrong_input_rank(model, tmp_path, good_inputs):
    a, _ = good_inputs
    bad = npy(tmp_path, "bad.npy", np.ones((1, 16), np.float32))
    expect_error("kiln-run", model, "--input", f"a={a}",
                 "--input", f"input1={bad}",
                 contains=["input 'input1'", "expected shape [16]",
                           "got [1, 16]"])


@pytest.mark.parametrize("dtype,name", [(np.int32, "int32"),
                                        (np.float64, "float64"),
                                        (np.bool_, "bool")])
def test_run_wrong_input_dtype(model, tmp_path, good_inputs, dtype, name):
    _, b = good_inputs
    bad = npy(tmp_path, "bad.npy", np.ones((4, 16), dtype))
    expect_error("kiln-run", model, "--input", f"a={bad}",
                 "--input", f"input1={b}",
                 contains=["input 'a'", "expected dtype float32",
                           f"got {name}"])


def test_run_dynamic_dim_mismatch(dynamic_model, tmp_path):
    bad = npy(tmp_path, "bad.npy", np.ones((3, 9), np.float32))
    expect_error("kiln-run", dynamic_model, "--input", f"x={bad}",
                 contains=["input 'x'", "expected shape [?, 8]",
                           "got [3, 9]"])


def test_run_dynamic_dim_accepts_any_batch(dynamic_model, tmp_path):
    x = npy(tmp_path, "x.npy", -np.ones((6, 8), np.float32))
    run_tool("kiln-run", dynamic_model, "--input", f"x={x}", "--output-dir",
             tmp_path)
    np.testing.assert_array_equal(np.load(tmp_path / "output0.npy"),
                                  np.zeros((6, 8), np.float32))


def test_run_not_npy(model, tmp_path, good_inputs):
    _, b = good_inputs
    text = write(tmp_path, "a.txt", "1 2 3 4\n")
    expect_error("kiln-run", model, "--input", f"a={text}",
                 "--input", f"input1={b}",
                 contains=[str(text), "is not a .npy file"])


def test_run_missing_input_file(model, tmp_path, good_inputs):
    _, b = good_inputs
    missing = tmp_path / "missing.npy"
    expect_error("kiln-run", model, "--input", f"a={missing}",
                 "--input", f"input1={b}",
                 contains=["cannot open", str(missing)])


def test_run_too_many_inputs(model, good_inputs):
    a, b = good_inputs
    expect_error("kiln-run", model, "--input", str(a), "--input", str(b),
                 "--input", str(b), contains=["too many inputs", "takes 2"])


def test_run_too_few_positional_inputs(model, good_inputs):
    a, _ = good_inputs
    expect_error("kiln-run", model, "--input", str(a),
                 contains=["missing input 'input1'"])


def _raw_npy(path, header, data=b""):
    text = header.encode()
    text += b" " * ((64 - (10 + len(text) + 1) % 64) % 64) + b"\n"
    path.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) +
                     text + data)
    return path


CORRUPT_NPY = {
    "truncated_data": ("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 16), }",
                       b"\0" * 100, "is truncated"),
    "huge_shape": ("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 1099511627776), }",
                   b"", "is truncated"),
    "overflowing_shape": ("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, 4), }",
                          b"", "bad shape"),
    "negative_shape": ("{'descr': '<f4', 'fortran_order': False, 'shape': (4, -16), }",
                       b"\0" * 256, "bad shape"),
    "no_shape": ("{'descr': '<f4', 'fortran_order': False, }", b"\0" * 256,
                 "no 'shape'"),
    "garbage_header": ("garbage", b"", "not a valid .npy file"),
    "unsupported_dtype": ("{'descr': '<c8', 'fortran_order': False, 'shape': (4, 16), }",
                          b"\0" * 512, "unsupported dtype '<c8'"),
    "big_endian": ("{'descr': '>f4', 'fortran_order': False, 'shape': (4, 16), }",
                   b"\0" * 256, "unsupported dtype '>f4'"),
    "fortran_order": ("{'descr': '<f4', 'fortran_order': True, 'shape': (4, 16), }",
                      b"\0" * 256, "Fortran order"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT_NPY))
def test_run_corrupt_npy(model, tmp_path, good_inputs, case):
    header, data, message = CORRUPT_NPY[case]
    _, b = good_inputs
    bad = _raw_npy(tmp_path / "bad.npy", header, data)
    expect_error("kiln-run", model, "--input", f"a={bad}",
                 "--input", f"input1={b}", contains=[str(bad), message])


def test_run_header_length_past_end(model, tmp_path, good_inputs):
    _, b = good_inputs
    bad = tmp_path / "bad.npy"
    bad.write_bytes(b"\x93NUMPY\x02\x00\xff\xff\xff\x7f{'descr'")
    expect_error("kiln-run", model, "--input", f"a={bad}",
                 "--input", f"input1={b}", contains=["truncated"])


def test_run_empty_file(model, tmp_path, good_inputs):
    _, b = good_inputs
    empty = write(tmp_path, "empty.npy", "")
    expect_error("kiln-run", model, "--input", f"a={empty}",
                 "--input", f"input1={b}", contains=["is not a .npy file"])


def test_run_unknown_entry_point(model, good_inputs):
    a, b = good_inputs
    expect_error("kiln-run", model, "--input", f"a={a}",
                 "--input", f"input1={b}", "--entry", "nope",
                 contains=["no entry point 'nope'", "main"])


def test_run_unwritable_output_dir(model, tmp_path, good_inputs):
    a, b = good_inputs
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    out = blocker / "dir"
    expect_error("kiln-run", model, "--input", f"a={a}",
                 "--input", f"input1={b}", "--output-dir", out,
                 contains=["cannot create the output directory", str(out)])


@pytest.mark.parametrize("args,message", [
    ([], "no model given"),
    (["--bogus"], "unknown option '--bogus'"),
    (["--benchmark=0"], "positive count"),
    (["--benchmark=abc"], "positive count"),
])
def test_run_bad_command_line(model, args, message):
    expect_error("kiln-run", *([model] if args else []), *args,
                 contains=[message, "usage:"])


# ----------------------------------------------------------------------------
# kiln-opt
# ----------------------------------------------------------------------------


def test_opt_malformed_ir(tmp_path):
    src = write(tmp_path, "bad.mlir",
                "func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
                "  %0 = kiln.add %a, %a : (tensor<4xf32>\n"
                "}\n")
    expect_error("kiln-opt", src, contains=[f"{src}:2:40: error: expected ')'"])


def test_opt_unknown_op(tmp_path):
    src = write(tmp_path, "unknown.mlir", one_op(
        "kiln.frobnicate %a0 : tensor<4xf32>", ["tensor<4xf32>"],
        "tensor<4xf32>"))
    expect_error("kiln-opt", src, contains=["kiln.frobnicate", f"{src}:2:8"])


def test_opt_verifier_error(tmp_path):
    op, args, result, name, fragment = VERIFIER_ERRORS["softmax_axis"]
    src = write(tmp_path, "verify.mlir", one_op(op, args, result))
    expect_error("kiln-opt", src, contains=[f"{src}:2:8: error:",
                                            f"'{name}' op", fragment])


def test_opt_missing_file(tmp_path):
    missing = tmp_path / "missing.mlir"
    expect_error("kiln-opt", missing, contains=[str(missing)])


def test_opt_unknown_pass(tmp_path):
    src = write(tmp_path, "good.mlir", GOOD)
    expect_error("kiln-opt", src, "--kiln-no-such-pass")
