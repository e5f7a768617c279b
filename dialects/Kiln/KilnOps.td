#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "dialects/Kiln/KilnDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------===//
// Op classes
//===----------------------------------------------------------------------===//

// An op whose result type is computed by the C++ function `inferFn` in
// KilnOps.cpp (on the shape rules of ShapeInference.cpp); it receives
// (location, op name, adaptor, types).
// The attributes are checked first (present where required, of the right
// kind): `inferFn` reads them.
class Kiln_InferredOp<string mnemonic, string inferFn, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      if (::mlir::failed(adaptor.verify(
              location ? *location : ::mlir::UnknownLoc::get(context))))
        return ::mlir::failure();
      return ::mlir::kiln::}] # inferFn # [{(location, getOperationName(), adaptor, types);
    }
  }];
}

// Elementwise binary op with NumPy broadcasting.
class Kiln_BinaryOp<string mnemonic, string what, string inferFn,
                    list<Trait> traits = []>
    : Kiln_InferredOp<mnemonic, inferFn, traits> {
  let summary = "elementwise " # what # " with NumPy broadcasting";
  let description = [{
    Computes }] # what # [{ of `lhs` and `rhs` element by element. The operand
    shapes are broadcast against each other with NumPy rules: aligned from the
    right, a dimension of 1 stretches to the other one.

    Example:
    ```mlir
    %r = kiln.}] # mnemonic # [{ %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3x}] # !if(!eq(inferFn, "inferArithBinary"), "f32", "i1") # [{>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

class Kiln_ArithOp<string mnemonic, string what, list<Trait> traits = []>
    : Kiln_BinaryOp<mnemonic, what, "inferArithBinary", traits> {
  let hasFolder = 1;
}
class Kiln_CompareOp<string mnemonic, string what>
    : Kiln_BinaryOp<mnemonic, what, "inferCompareBinary">;
class Kiln_LogicalOp<string mnemonic, string what>
    : Kiln_BinaryOp<mnemonic, what, "inferArithBinary"> {
  let arguments = (ins Kiln_BoolTensor:$lhs, Kiln_BoolTensor:$rhs);
  let results = (outs Kiln_BoolTensor:$result);
  let description = [{
    Computes the logical }] # what # [{ of two boolean tensors, broadcasting
    with NumPy rules.

    Example:
    ```mlir
    %r = kiln.}] # mnemonic # [{ %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
    ```
  }];
}

// Elementwise unary op: the result has the operand's type.
class Kiln_UnaryOp<string mnemonic, string formula, Type operandType,
                   list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType])> {
  let summary = "elementwise " # formula;
  let description = [{
    Computes `}] # formula # [{` for every element of the input.

    Example:
    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : tensor<2x?xf32>
    ```
  }];
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}
class Kiln_FloatUnaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Kiln_UnaryOp<mnemonic, formula, Kiln_FloatTensor, traits> {
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Constants, casts, selection
//===----------------------------------------------------------------------===//

def Kiln_ConstantOp : Kiln_Op<"constant", [ConstantLike,
    AllTypesMatch<["value", "output"]>]> {
  let summary = "a tensor constant (weights, literals)";
  let description = [{
    Produces a constant tensor from an elements attribute.

    Example:
    ```mlir
    %w = kiln.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
    ```
  }];
  let arguments = (ins TypedAttrInterface:$value);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_CastOp : Kiln_Op<"cast"> {
  let summary = "elementwise element-type conversion";
  let description = [{
    Converts every element to the result's element type: floats round to
    nearest when narrowed and truncate toward zero when converted to
    integers; any non-zero value becomes `true` when cast to `i1`.

    Example:
    ```mlir
    %i = kiln.cast %x : tensor<4xf32> to tensor<4xi32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Kiln_WhereOp : Kiln_InferredOp<"where", "inferWhere"> {
  let summary = "elementwise selection with NumPy broadcasting";
  let description = [{
    Picks `on_true` where `condition` is true and `on_false` elsewhere; all
    three operands broadcast together.

    Example:
    ```mlir
    %r = kiln.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_BoolTensor:$condition, Kiln_Tensor:$on_true,
                       Kiln_Tensor:$on_false);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Elementwise binary
//===----------------------------------------------------------------------===//

def Kiln_AddOp : Kiln_ArithOp<"add", "the sum", [Commutative]>;
def Kiln_SubOp : Kiln_ArithOp<"sub", "the difference">;
def Kiln_MulOp : Kiln_ArithOp<"mul", "the product", [Commutative]>;
def Kiln_DivOp : Kiln_ArithOp<"div", "the quotient (integers round toward zero)">;
def Kiln_PowOp : Kiln_ArithOp<"pow", "`lhs` raised to the power `rhs`">;
def Kiln_MaxOp : Kiln_ArithOp<"max", "the maximum", [Commutative]>;
def Kiln_MinOp : Kiln_ArithOp<"min", "the minimum", [Commutative]>;
def Kiln_ModOp : Kiln_ArithOp<"mod", "the remainder with the sign of the divisor (Python's %)">;

def Kiln_EqualOp : Kiln_CompareOp<"equal", "`lhs == rhs`">;
def Kiln_NotEqualOp : Kiln_CompareOp<"not_equal", "`lhs != rhs`">;
def Kiln_LessOp : Kiln_CompareOp<"less", "`lhs < rhs`">;
def Kiln_LessEqualOp : Kiln_CompareOp<"less_equal", "`lhs <= rhs`">;
def Kiln_GreaterOp : Kiln_CompareOp<"greater", "`lhs > rhs`">;
def Kiln_GreaterEqualOp : Kiln_CompareOp<"greater_equal", "`lhs >= rhs`">;

def Kiln_AndOp : Kiln_LogicalOp<"and", "and">;
def Kiln_OrOp : Kiln_LogicalOp<"or", "or">;
def Kiln_XorOp : Kiln_LogicalOp<"xor", "exclusive or">;

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

def Kiln_NegOp : Kiln_UnaryOp<"neg", "-x", RankedTensorOf<[AnyFloat, AnySignlessInteger]>> {
  let hasFolder = 1;
}
def Kiln_AbsOp : Kiln_UnaryOp<"abs", "|x|", RankedTensorOf<[AnyFloat, AnySignlessInteger]>>;
def Kiln_SignOp : Kiln_UnaryOp<"sign", "sign(x) in {-1, 0, 1}", RankedTensorOf<[AnyFloat, AnySignlessInteger]>>;
def Kiln_ReluOp : Kiln_UnaryOp<"relu", "max(x, 0)", RankedTensorOf<[AnyFloat, AnySignlessInteger]>> {
  let hasFolder = 1;
}
def Kiln_NotOp : Kiln_UnaryOp<"not", "logical not x", Kiln_BoolTensor> {
  let hasFolder = 1;
}
def Kiln_ExpOp : Kiln_FloatUnaryOp<"exp", "e^x">;
def Kiln_LogOp : Kiln_FloatUnaryOp<"log", "ln(x)">;
def Kiln_SqrtOp : Kiln_FloatUnaryOp<"sqrt", "sqrt(x)">;
def Kiln_RsqrtOp : Kiln_FloatUnaryOp<"rsqrt", "1 / sqrt(x)">;
def Kiln_ReciprocalOp : Kiln_FloatUnaryOp<"reciprocal", "1 / x">;
def Kiln_TanhOp : Kiln_FloatUnaryOp<"tanh", "tanh(x)">;
def Kiln_SigmoidOp : Kiln_FloatUnaryOp<"sigmoid", "1 / (1 + e^-x)">;
def Kiln_SiluOp : Kiln_FloatUnaryOp<"silu", "x * sigmoid(x)">;
def Kiln_ErfOp : Kiln_FloatUnaryOp<"erf", "erf(x)">;
def Kiln_FloorOp : Kiln_FloatUnaryOp<"floor", "floor(x)">;
def Kiln_CeilOp : Kiln_FloatUnaryOp<"ceil", "ceil(x)">;
def Kiln_RoundOp : Kiln_FloatUnaryOp<"round", "x rounded to the nearest integer, ties to even">;
def Kiln_SinOp : Kiln_FloatUnaryOp<"sin", "sin(x)">;
def Kiln_CosOp : Kiln_FloatUnaryOp<"cos", "cos(x)">;
def Kiln_AsinOp : Kiln_FloatUnaryOp<"asin", "asin(x)">;
def Kiln_AcosOp : Kiln_FloatUnaryOp<"acos", "acos(x)">;
def Kiln_AtanOp : Kiln_FloatUnaryOp<"atan", "atan(x)">;
def Kiln_SoftplusOp : Kiln_FloatUnaryOp<"softplus", "ln(1 + e^x)">;
def Kiln_HardSwishOp : Kiln_FloatUnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 1 / 2))">;

def Kiln_GeluOp : Kiln_Op<"gelu", [SameOperandsAndResultType]> {
  let summary = "elementwise GELU";
  let description = [{
    Gaussian error linear unit: `0.5 * x * (1 + erf(x / sqrt(2)))`, or with
    `approximate = "tanh"`, `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))`.

    Example:
    ```mlir
    %y = kiln.gelu %x {approximate = "tanh"} : tensor<8x256xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Kiln_LeakyReluOp : Kiln_Op<"leaky_relu", [SameOperandsAndResultType]> {
  let summary = "elementwise leaky ReLU";
  let description = [{
    `x` where `x >= 0`, `alpha * x` elsewhere.

    Example:
    ```mlir
    %y = kiln.leaky_relu %x {alpha = 0.1 : f64} : tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "0.01">:$alpha);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Kiln_EluOp : Kiln_Op<"elu", [SameOperandsAndResultType]> {
  let summary = "elementwise ELU";
  let description = [{
    `x` where `x >= 0`, `alpha * (e^x - 1)` elsewhere.

    Example:
    ```mlir
    %y = kiln.elu %x {alpha = 1.0 : f64} : tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "1.0">:$alpha);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Kiln_HardSigmoidOp : Kiln_Op<"hard_sigmoid", [SameOperandsAndResultType]> {
  let summary = "elementwise hard sigmoid";
  let description = [{
    `max(0, min(1, alpha * x + beta))`.

    Example:
    ```mlir
    %y = kiln.hard_sigmoid %x {alpha = 0.2 : f64, beta = 0.5 : f64} : tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "0.2">:$alpha,
                       DefaultValuedAttr<F64Attr, "0.5">:$beta);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Kiln_ClipOp : Kiln_Op<"clip", [SameOperandsAndResultType]> {
  let summary = "elementwise clamp to [min, max]";
  let description = [{
    Clamps every element to `[min, max]`; a bound that is absent does not
    apply. ReLU6 is `clip` with `min = 0, max = 6`.

    Example:
    ```mlir
    %y = kiln.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$input,
                       OptionalAttr<F64Attr>:$min, OptionalAttr<F64Attr>:$max);
  let results = (outs RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Kiln_MatmulOp : Kiln_InferredOp<"matmul", "inferMatmul"> {
  let summary = "(batched) matrix product with NumPy broadcasting";
  let description = [{
    `lhs[..., M, K] x rhs[..., K, N] -> [..., M, N]`. Both operands have rank
    at least 2; the leading (batch) dimensions broadcast with NumPy rules.

    Example:
    ```mlir
    %c = kiln.matmul %a, %b : (tensor<8x?x64xf32>, tensor<64x32xf32>) -> tensor<8x?x32xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def Kiln_GemmOp : Kiln_InferredOp<"gemm", "inferGemm"> {
  let summary = "general matrix multiply: alpha * op(A) op(B) + beta * C";
  let description = [{
    The linear / fully-connected form: `op(X)` is `X` or its transpose
    (`trans_a`, `trans_b`). `A` and `B` are 2-D; the optional `C` broadcasts
    to `[M, N]`.

    Example:
    ```mlir
    %y = kiln.gemm %x, %w, %b {trans_b = true} : (tensor<?x784xf32>, tensor<128x784xf32>, tensor<128xf32>) -> tensor<?x128xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$a, Kiln_Tensor:$b,
                       Optional<Kiln_Tensor>:$c,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b,
                       DefaultValuedAttr<F64Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F64Attr, "1.0">:$beta);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Kiln_Conv2DOp : Kiln_InferredOp<"conv2d", "inferConv2D"> {
  let summary = "2-D convolution, NCHW input and FCHW filter";
  let description = [{
    `input[N, C, H, W]` convolved with `filter[F, C / groups, KH, KW]`, plus
    an optional `bias[F]`. `pads` is `[top, left, bottom, right]`.
    `groups = C = F` is a depthwise convolution.

    Example:
    ```mlir
    %y = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>}
        : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$filter,
                       Optional<Kiln_FloatTensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

class Kiln_Pool2DOp<string mnemonic, string what, dag extraArgs>
    : Kiln_InferredOp<mnemonic, "inferPool2D"> {
  let summary = "2-D " # what # " pooling over NCHW";
  let description = [{
    Slides a `kernel` window over the two spatial dimensions of an NCHW
    tensor and takes the }] # what # [{ of each window. `pads` is
    `[top, left, bottom, right]`.

    Example:
    ```mlir
    %y = kiln.}] # mnemonic # [{ %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
        : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = !con((ins Kiln_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations),
                       extraArgs);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}
def Kiln_MaxPool2DOp : Kiln_Pool2DOp<"max_pool2d", "maximum", (ins)>;
def Kiln_AvgPool2DOp : Kiln_Pool2DOp<"avg_pool2d", "average",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad)>;

class Kiln_GlobalPoolOp<string mnemonic, string what>
    : Kiln_InferredOp<mnemonic, "inferGlobalPool"> {
  let summary = "global " # what # " pooling over all spatial dimensions";
  let description = [{
    Reduces every dimension after the first two (N, C) to 1 with the }]
    # what # [{.

    Example:
    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : tensor<1x512x7x7xf32> -> tensor<1x512x1x1xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}
def Kiln_GlobalAvgPoolOp : Kiln_GlobalPoolOp<"global_avg_pool", "average">;
def Kiln_GlobalMaxPoolOp : Kiln_GlobalPoolOp<"global_max_pool", "maximum">;

//===----------------------------------------------------------------------===//
// Normalization and softmax
//===----------------------------------------------------------------------===//

def Kiln_BatchNormOp : Kiln_Op<"batch_norm", [AllTypesMatch<["input", "result"]>]> {
  let summary = "batch normalization (inference form) over dimension 1";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, where `scale`, `bias`,
    `mean` and `var` are 1-D with the size of dimension 1 (channels).

    Example:
    ```mlir
    %y = kiln.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-5 : f64}
        : (tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$bias, Kiln_FloatTensor:$mean,
                       Kiln_FloatTensor:$variance,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_LayerNormOp : Kiln_Op<"layer_norm", [AllTypesMatch<["input", "result"]>]> {
  let summary = "layer normalization over the trailing dimensions from `axis`";
  let description = [{
    Normalizes over dimensions `axis..rank-1` to zero mean and unit variance
    (biased variance, plus `epsilon`), then applies `scale` and the optional
    `bias`, whose shape is the normalized dimensions.

    Example:
    ```mlir
    %y = kiln.layer_norm %x, %g, %b {axis = -1 : i64}
        : (tensor<?x64x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<?x64x256xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Optional<Kiln_FloatTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Kiln_SoftmaxLikeOp<string mnemonic, string formula>
    : Kiln_Op<mnemonic, [SameOperandsAndResultType]> {
  let summary = formula # " along one axis";
  let description = [{
    Computes `}] # formula # [{` along `axis` (negative counts from the end),
    in a numerically stable form (the maximum is subtracted first).

    Example:
    ```mlir
    %p = kiln.}] # mnemonic # [{ %x {axis = -1 : i64} : tensor<4x64x64xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}
def Kiln_SoftmaxOp : Kiln_SoftmaxLikeOp<"softmax", "softmax">;
def Kiln_LogSoftmaxOp : Kiln_SoftmaxLikeOp<"log_softmax", "log(softmax)">;

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Kiln_ReduceOp<string mnemonic, string what>
    : Kiln_InferredOp<mnemonic, "inferReduce"> {
  let summary = what # " over axes";
  let description = [{
    Reduces `axes` (negative counts from the end; empty means all) with the
    }] # what # [{. With `keepdims` the reduced dimensions stay as 1.

    Example:
    ```mlir
    %s = kiln.}] # mnemonic # [{ %x {axes = array<i64: 1>, keepdims = false} : tensor<4x8xf32> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$input,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}
def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum", "sum">;
def Kiln_ReduceMeanOp : Kiln_ReduceOp<"reduce_mean", "mean">;
def Kiln_ReduceMaxOp : Kiln_ReduceOp<"reduce_max", "maximum">;
def Kiln_ReduceMinOp : Kiln_ReduceOp<"reduce_min", "minimum">;
def Kiln_ReduceProdOp : Kiln_ReduceOp<"reduce_prod", "product">;

class Kiln_ArgOp<string mnemonic, string what>
    : Kiln_InferredOp<mnemonic, "inferArgReduce"> {
  let summary = "index of the " # what # " along an axis";
  let description = [{
    Returns the `i64` index of the first }] # what # [{ along `axis`.
    With `keepdims` the reduced dimension stays as 1.

    Example:
    ```mlir
    %i = kiln.}] # mnemonic # [{ %x {axis = 1 : i64, keepdims = false} : tensor<4x10xf32> -> tensor<4xi64>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$input,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}
def Kiln_ArgMaxOp : Kiln_ArgOp<"argmax", "maximum">;
def Kiln_ArgMinOp : Kiln_ArgOp<"argmin", "minimum">;

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Kiln_ReshapeOp : Kiln_InferredOp<"reshape", "inferReshape"> {
  let summary = "reshape with ONNX semantics (0 copies, -1 infers)";
  let description = [{
    Reinterprets the elements (row-major) with a new shape. In `shape`, `0`
    copies the input's dimension at that position and one `-1` takes what is
    left, so `[0, -1]` flattens all but a dynamic batch dimension.

    Example:
    ```mlir
    %y = kiln.reshape %x {shape = array<i64: 0, -1>} : tensor<?x64x7x7xf32> -> tensor<?x3136xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_TransposeOp : Kiln_InferredOp<"transpose", "inferTranspose"> {
  let summary = "permutes dimensions";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`.

    Example:
    ```mlir
    %y = kiln.transpose %x {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_ConcatOp : Kiln_InferredOp<"concat", "inferConcat"> {
  let summary = "joins tensors along an axis";
  let description = [{
    All inputs have the same rank and element type and agree on every
    dimension but `axis` (negative counts from the end).

    Example:
    ```mlir
    %y = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasFolder = 1;
}

def Kiln_SliceOp : Kiln_InferredOp<"slice", "inferSlice"> {
  let summary = "strided slice with ONNX semantics";
  let description = [{
    For each listed axis (all leading axes when `axes` is empty), takes
    `start, start + step, ...` up to but excluding `end`. Negative starts and
    ends count from the end and are clamped to the dimension; steps may be
    negative (the slice then runs backwards) but not zero.

    Example:
    ```mlir
    %y = kiln.slice %x {starts = array<i64: 1>, ends = array<i64: -1>, axes = array<i64: 1>, steps = array<i64: 2>}
        : tensor<4x10xf32> -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$steps);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Kiln_GatherOp : Kiln_InferredOp<"gather", "inferGather"> {
  let summary = "gathers slices along an axis by index (ONNX Gather)";
  let description = [{
    `result[i0.., j.., k..] = data[i0.., indices[j..], k..]` where `j`
    indexes `indices` and replaces dimension `axis` of `data`. Negative
    indices count from the end; indices out of range are undefined behaviour
    at run time.

    Example:
    ```mlir
    %e = kiln.gather %table, %ids {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<?x16xi64>) -> tensor<?x16x64xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Kiln_GatherElementsOp : Kiln_InferredOp<"gather_elements", "inferGatherElements"> {
  let summary = "gathers one element per index along an axis (ONNX GatherElements)";
  let description = [{
    The result has the shape of `indices`;
    `result[i.., j, k..] = data[i.., indices[i.., j, k..], k..]` with `j` in
    dimension `axis`. Negative indices count from the end; indices out of
    range are undefined behaviour at run time.

    Example:
    ```mlir
    %y = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<4x10xf32>, tensor<4x1xi64>) -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Kiln_ExpandOp : Kiln_InferredOp<"expand", "inferExpand"> {
  let summary = "broadcasts a tensor to a shape (ONNX Expand)";
  let description = [{
    The result shape is the NumPy broadcast of the input shape and `shape`.

    Example:
    ```mlir
    %y = kiln.expand %x {shape = array<i64: 4, 1, 3>} : tensor<2x1xf32> -> tensor<4x2x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Kiln_PadOp : Kiln_InferredOp<"pad", "inferPad"> {
  let summary = "pads with a constant, the edge value, or a reflection";
  let description = [{
    `pads` lists the amount added before each dimension, then after each
    dimension (ONNX order). `mode` is `constant` (with `value`), `edge` or
    `reflect`. Pads are not negative.

    Example:
    ```mlir
    %y = kiln.pad %x {pads = array<i64: 0, 1, 0, 2>, value = 0.0 : f64} : tensor<2x3xf32> -> tensor<2x6xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<F64Attr, "0.0">:$value,
                       DefaultValuedStrAttr<StrAttr, "constant">:$mode);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Kiln_SqueezeOp : Kiln_InferredOp<"squeeze", "inferSqueeze"> {
  let summary = "removes dimensions of size 1";
  let description = [{
    Removes the listed `axes`, each of static size 1 (all static 1s when
    `axes` is empty).

    Example:
    ```mlir
    %y = kiln.squeeze %x {axes = array<i64: 1>} : tensor<4x1x3xf32> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_UnsqueezeOp : Kiln_InferredOp<"unsqueeze", "inferUnsqueeze"> {
  let summary = "inserts dimensions of size 1";
  let description = [{
    `axes` are positions in the result (negative counts from its end).

    Example:
    ```mlir
    %y = kiln.unsqueeze %x {axes = array<i64: 0, 3>} : tensor<4x3xf32> -> tensor<1x4x3x1xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_FlattenOp : Kiln_InferredOp<"flatten", "inferFlatten"> {
  let summary = "flattens to 2-D at an axis";
  let description = [{
    Dimensions before `axis` become the first result dimension and the rest
    the second.

    Example:
    ```mlir
    %y = kiln.flatten %x {axis = 1 : i64} : tensor<?x512x1x1xf32> -> tensor<?x512xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

#endif // KILN_OPS_TD
