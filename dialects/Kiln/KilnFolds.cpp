//===- KilnFolds.cpp - Kiln folders and canonicalization patterns ---------===//
#include "dialects/Kiln/KilnOps.h"
#include "dialects/Kiln/ShapeInference.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <cstring>
#include <functional>

using namespace mlir;
using namespace mlir::kiln;

/// Constants larger than this are not folded: folding them would bloat the
/// IR and compile time for no gain at run time.
static constexpr int64_t kMaxFoldElements = 4096;

static bool isFoldableResult(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() &&
         tensor.getNumElements() <= kMaxFoldElements;
}

/// For each element of `resultShape`, the linear index of the element of an
/// operand of `operandShape` that NumPy broadcasting reads.
static SmallVector<int64_t> broadcastSourceIndices(ArrayRef<int64_t> operand,
                                                   ArrayRef<int64_t> result) {
  int64_t count = 1;
  for (int64_t d : result)
    count *= d;
  SmallVector<int64_t> indices(count, 0);
  size_t offset = result.size() - operand.size();
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t rest = linear, source = 0, stride = 1;
    for (int64_t d = result.size() - 1; d >= 0; --d) {
      int64_t coord = rest % result[d];
      rest /= result[d];
      if (d < (int64_t)offset)
        continue;
      int64_t size = operand[d - offset];
      source += (size == 1 ? 0 : coord) * stride;
      stride *= size;
    }
    indices[linear] = source;
  }
  return indices;
}

static double toDouble(const APFloat &value) { return value.convertToDouble(); }
static APFloat fromDouble(double value, Type element) {
  APFloat result(value);
  bool lostInfo;
  result.convert(cast<FloatType>(element).getFloatSemantics(),
                 APFloat::rmNearestTiesToEven, &lostInfo);
  return result;
}
static double floatAt(DenseElementsAttr attr, int64_t index) {
  APFloat value = attr.getValues<APFloat>()[index];
  bool lostInfo;
  value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lostInfo);
  return toDouble(value);
}

/// `a op b` with two's complement wrap-around instead of signed overflow,
/// which is undefined in C++; the result is truncated to the element width
/// afterwards, as arith's integer ops do.
template <typename Op> static int64_t wrapping(int64_t a, int64_t b, Op op) {
  return (int64_t)op((uint64_t)a, (uint64_t)b);
}

using FloatFn = double (*)(double, double);
using IntFn = std::optional<int64_t> (*)(int64_t, int64_t);

/// Folds an elementwise binary op over two small dense constants.
static Attribute foldBinaryConstants(Attribute lhsAttr, Attribute rhsAttr,
                                     Type resultType, FloatFn floatFn,
                                     IntFn intFn) {
  auto lhs = dyn_cast_or_null<DenseElementsAttr>(lhsAttr);
  auto rhs = dyn_cast_or_null<DenseElementsAttr>(rhsAttr);
  if (!lhs || !rhs || !isFoldableResult(resultType))
    return {};
  auto type = cast<RankedTensorType>(resultType);
  Type element = type.getElementType();
  SmallVector<int64_t> lhsIndex =
      broadcastSourceIndices(lhs.getType().getShape(), type.getShape());
  SmallVector<int64_t> rhsIndex =
      broadcastSourceIndices(rhs.getType().getShape(), type.getShape());
  if (isa<FloatType>(element) && floatFn) {
    SmallVector<APFloat> values;
    for (size_t i = 0; i < lhsIndex.size(); ++i)
      values.push_back(fromDouble(
          floatFn(floatAt(lhs, lhsIndex[i]), floatAt(rhs, rhsIndex[i])),
          element));
    return DenseElementsAttr::get(type, values);
  }
  if (element.isSignlessInteger() && element.getIntOrFloatBitWidth() > 1 &&
      intFn) {
    unsigned width = element.getIntOrFloatBitWidth();
    auto lhsValues = lhs.getValues<APInt>();
    auto rhsValues = rhs.getValues<APInt>();
    SmallVector<APInt> values;
    for (size_t i = 0; i < lhsIndex.size(); ++i) {
      std::optional<int64_t> v = intFn(lhsValues[lhsIndex[i]].getSExtValue(),
                                       rhsValues[rhsIndex[i]].getSExtValue());
      if (!v)
        return {};
      values.push_back(
          APInt(width, *v, /*isSigned=*/true, /*implicitTrunc=*/true));
    }
    return DenseElementsAttr::get(type, values);
  }
  return {};
}

/// True when `attr` is a constant whose every element equals `value`.
static bool isSplatOf(Attribute attr, double value) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat())
    return false;
  Type element = dense.getElementType();
  if (isa<FloatType>(element))
    return floatAt(dense, 0) == value;
  if (element.isSignlessInteger())
    return (double)dense.getSplatValue<APInt>().getSExtValue() == value;
  return false;
}

/// `x op c` is `x` when c is the identity of op and does not change the type.
static OpFoldResult foldRightIdentity(Value lhs, Attribute rhs, Type resultType,
                                      double identity) {
  if (lhs.getType() == resultType && isSplatOf(rhs, identity))
    return lhs;
  return {};
}

//===----------------------------------------------------------------------===//
// Constants and elementwise binary ops
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 0.0))
    return r;
  return foldBinaryConstants(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return a + b; },
      [](int64_t a, int64_t b) -> std::optional<int64_t> {
        return wrapping(a, b, std::plus<>());
      });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 0.0))
    return r;
  return foldBinaryConstants(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return a - b; },
      [](int64_t a, int64_t b) -> std::optional<int64_t> {
        return wrapping(a, b, std::minus<>());
      });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 1.0))
    return r;
  return foldBinaryConstants(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return a * b; },
      [](int64_t a, int64_t b) -> std::optional<int64_t> {
        return wrapping(a, b, std::multiplies<>());
      });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 1.0))
    return r;
  return foldBinaryConstants(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return a / b; },
      [](int64_t a, int64_t b) -> std::optional<int64_t> {
        if (b == 0)
          return std::nullopt;
        // INT64_MIN / -1 traps in C++; it wraps to INT64_MIN.
        if (b == -1)
          return wrapping(0, a, std::minus<>());
        return a / b;
      });
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 1.0))
    return r;
  return foldBinaryConstants(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return std::pow(a, b); }, nullptr);
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs() && getLhs().getType() == getType())
    return getLhs();
  return foldBinaryConstants(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      // NaN propagates from either side, as arith.maximumf does.
      [](double a, double b) {
        return std::isnan(a) || std::isnan(b) ? a + b : std::max(a, b);
      },
      [](int64_t a, int64_t b) -> std::optional<int64_t> {
        return std::max(a, b);
      });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs() && getLhs().getType() == getType())
    return getLhs();
  return foldBinaryConstants(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) {
        return std::isnan(a) || std::isnan(b) ? a + b : std::min(a, b);
      },
      [](int64_t a, int64_t b) -> std::optional<int64_t> {
        return std::min(a, b);
      });
}

OpFoldResult ModOp::fold(FoldAdaptor adaptor) {
  return foldBinaryConstants(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) {
        double r = std::fmod(a, b);
        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
      },
      [](int64_t a, int64_t b) -> std::optional<int64_t> {
        if (b == 0)
          return std::nullopt;
        if (b == -1)
          return 0;
        int64_t r = a % b;
        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
      });
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

/// Folds a float unary op over a small dense constant.
static Attribute foldUnaryFloat(Attribute input, Type resultType,
                                double (*fn)(double)) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(input);
  if (!dense || !isFoldableResult(resultType) ||
      !isa<FloatType>(dense.getElementType()))
    return {};
  auto type = cast<RankedTensorType>(resultType);
  SmallVector<APFloat> values;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i)
    values.push_back(fromDouble(fn(floatAt(dense, dense.isSplat() ? 0 : i)),
                                type.getElementType()));
  return DenseElementsAttr::get(type, values);
}

static double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

#define KILN_FOLD_FLOAT_UNARY(OP, EXPR)                                        \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldUnaryFloat(adaptor.getInput(), getType(),                       \
                          [](double x) -> double { return EXPR; });            \
  }
KILN_FOLD_FLOAT_UNARY(ExpOp, std::exp(x))
KILN_FOLD_FLOAT_UNARY(LogOp, std::log(x))
KILN_FOLD_FLOAT_UNARY(SqrtOp, std::sqrt(x))
KILN_FOLD_FLOAT_UNARY(RsqrtOp, 1.0 / std::sqrt(x))
KILN_FOLD_FLOAT_UNARY(ReciprocalOp, 1.0 / x)
KILN_FOLD_FLOAT_UNARY(TanhOp, std::tanh(x))
KILN_FOLD_FLOAT_UNARY(SigmoidOp, sigmoid(x))
KILN_FOLD_FLOAT_UNARY(SiluOp, x *sigmoid(x))
KILN_FOLD_FLOAT_UNARY(ErfOp, std::erf(x))
KILN_FOLD_FLOAT_UNARY(FloorOp, std::floor(x))
KILN_FOLD_FLOAT_UNARY(CeilOp, std::ceil(x))
KILN_FOLD_FLOAT_UNARY(RoundOp, std::nearbyint(x))
KILN_FOLD_FLOAT_UNARY(SinOp, std::sin(x))
KILN_FOLD_FLOAT_UNARY(CosOp, std::cos(x))
KILN_FOLD_FLOAT_UNARY(AsinOp, std::asin(x))
KILN_FOLD_FLOAT_UNARY(AcosOp, std::acos(x))
KILN_FOLD_FLOAT_UNARY(AtanOp, std::atan(x))
// The stable form of the lowering: log1p(exp(x)) is inf for x > ~709.
KILN_FOLD_FLOAT_UNARY(SoftplusOp,
                      std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))))
KILN_FOLD_FLOAT_UNARY(HardSwishOp,
                      x *std::max(0.0, std::min(1.0, x / 6.0 + 0.5)))
#undef KILN_FOLD_FLOAT_UNARY

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return foldUnaryFloat(adaptor.getInput(), getType(),
                        [](double x) { return -x; });
}

OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<ReluOp>())
    return inner.getResult();
  return foldUnaryFloat(
      adaptor.getInput(), getType(),
      // NaN stays NaN, as with arith.maximumf.
      [](double x) { return x > 0 || std::isnan(x) ? x : 0.0; });
}

OpFoldResult NotOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<NotOp>())
    return inner.getInput();
  return {};
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!dense || !isFoldableResult(getType()))
    return {};
  Type from = dense.getElementType(), to = getType().getElementType();
  auto type = cast<RankedTensorType>(getType());
  int64_t count = type.getNumElements();
  auto at = [&](int64_t i) { return dense.isSplat() ? 0 : i; };
  if (isa<FloatType>(to)) {
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < count; ++i) {
      // i1 is unsigned (true is 1), as in the uitofp of the lowering.
      APInt raw =
          isa<FloatType>(from) ? APInt() : dense.getValues<APInt>()[at(i)];
      double v = isa<FloatType>(from) ? floatAt(dense, at(i))
                 : from.isInteger(1)  ? (double)raw.getZExtValue()
                                      : (double)raw.getSExtValue();
      values.push_back(fromDouble(v, to));
    }
    return DenseElementsAttr::get(type, values);
  }
  if (to.isSignlessInteger()) {
    unsigned width = to.getIntOrFloatBitWidth();
    SmallVector<APInt> values;
    for (int64_t i = 0; i < count; ++i) {
      int64_t v;
      if (isa<FloatType>(from)) {
        double d = floatAt(dense, at(i));
        if (width == 1)
          v = d != 0;
        // fptosi of a value out of range is poison: leave it to run time
        // (and keep the C++ conversion defined).
        else if (!std::isfinite(d) ||
                 std::trunc(d) < -std::ldexp(1.0, width - 1) ||
                 std::trunc(d) >= std::ldexp(1.0, width - 1))
          return {};
        else
          v = (int64_t)std::trunc(d);
      } else {
        APInt raw = dense.getValues<APInt>()[at(i)];
        v = from.getIntOrFloatBitWidth() == 1 ? raw.getZExtValue()
                                              : raw.getSExtValue();
        if (width == 1)
          v = v != 0;
      }
      values.push_back(APInt(width, v, /*isSigned=*/width > 1,
                             /*implicitTrunc=*/true));
    }
    return DenseElementsAttr::get(type, values);
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// The `shape` attribute of a kiln.reshape that produces `type`, when it has
/// at most one dynamic dimension (which becomes -1) and no size 0 (which the
/// attribute would read as "copy the input dimension").
static std::optional<SmallVector<int64_t>>
reshapeTargetFor(RankedTensorType type) {
  if (type.getNumDynamicDims() > 1 || llvm::is_contained(type.getShape(), 0))
    return std::nullopt;
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t &d : shape)
    if (ShapedType::isDynamic(d))
      d = -1;
  return shape;
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return dense.reshape(getType());
  return {};
}

namespace {
/// A reshape, squeeze, unsqueeze or flatten of a reshape becomes one reshape
/// of the original input, and the last three become a reshape on their own.
template <typename OpTy> struct ToReshape : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    if (auto producer = input.template getDefiningOp<ReshapeOp>())
      input = producer.getInput();
    else if (std::is_same_v<OpTy, ReshapeOp>)
      return failure();
    auto type = cast<RankedTensorType>(op.getType());
    std::optional<SmallVector<int64_t>> shape = reshapeTargetFor(type);
    if (!shape)
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, type, input, *shape);
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<ToReshape<ReshapeOp>>(context);
}
void SqueezeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<ToReshape<SqueezeOp>>(context);
}
void UnsqueezeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ToReshape<UnsqueezeOp>>(context);
}
void FlattenOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<ToReshape<FlattenOp>>(context);
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if ((int64_t)i != p)
      return {};
  return getInput();
}

namespace {
/// transpose(transpose(x, p1), p2) is transpose(x, p1[p2[i]]).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return failure();
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(inner.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), inner.getInput(),
                                             perm);
    return success();
  }
};
} // namespace

namespace {
/// transpose(constant) is a constant of any size: it holds the same data,
/// and weights are stored transposed (a Linear's W for x * W^T) far more
/// often than they are read that way, so this saves a copy per run.
struct FoldConstantTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr input;
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!matchPattern(op.getInput(), m_Constant(&input)) || !resultType ||
        !resultType.hasStaticShape())
      return failure();
    if (input.isSplat()) {
      rewriter.replaceOpWithNewOp<ConstantOp>(op, resultType,
                                              input.reshape(resultType));
      return success();
    }
    Type element = resultType.getElementType();
    unsigned bits = element.getIntOrFloatBitWidth();
    if (bits % 8 != 0)
      return failure();
    size_t bytes = bits / 8;
    ArrayRef<char> source = input.getRawData();
    ArrayRef<int64_t> inShape = input.getType().getShape();
    ArrayRef<int64_t> outShape = resultType.getShape();
    int64_t rank = inShape.size();
    SmallVector<int64_t> inStrides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      inStrides[d] = inStrides[d + 1] * inShape[d + 1];
    // Output dimension d walks input dimension perm[d].
    SmallVector<int64_t> strides;
    for (int64_t p : op.getPerm())
      strides.push_back(inStrides[p]);
    std::vector<char> data(source.size());
    SmallVector<int64_t> index(rank, 0);
    for (int64_t linear = 0, count = resultType.getNumElements();
         linear < count; ++linear) {
      int64_t offset = 0;
      for (int64_t d = 0; d < rank; ++d)
        offset += index[d] * strides[d];
      std::memcpy(&data[linear * bytes], &source[offset * bytes], bytes);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < outShape[d])
          break;
        index[d] = 0;
      }
    }
    rewriter.replaceOpWithNewOp<ConstantOp>(
        op, resultType, DenseElementsAttr::getFromRawBuffer(resultType, data));
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ComposeTransposes, FoldConstantTranspose>(context);
}

/// Folds data movement over small constants: element `index` of the result
/// is element `source(index)` (a linear index) of `input`.
static Attribute foldMovement(Attribute input, Type resultType,
                              function_ref<int64_t(ArrayRef<int64_t>)> source) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(input);
  if (!dense || !isFoldableResult(resultType))
    return {};
  auto type = cast<RankedTensorType>(resultType);
  auto values = dense.getValues<Attribute>();
  SmallVector<Attribute> result;
  SmallVector<int64_t> index(type.getRank(), 0);
  for (int64_t n = 0, e = type.getNumElements(); n < e; ++n) {
    int64_t at = source(index);
    result.push_back(values[dense.isSplat() ? 0 : at]);
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (++index[d] < type.getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, result);
}

/// Row-major linear index of `index` in `shape`.
static int64_t linearIndex(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t linear = 0;
  for (auto [i, size] : llvm::zip(index, shape))
    linear = linear * size + i;
  return linear;
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  if (!isFoldableResult(getType()) ||
      llvm::any_of(adaptor.getInputs(), [](Attribute a) {
        return !isa_and_nonnull<DenseElementsAttr>(a);
      }))
    return {};
  int64_t axis = *normalizeAxis((int64_t)getAxis(), getType().getRank());
  SmallVector<Attribute> values;
  SmallVector<int64_t> index(getType().getRank(), 0);
  for (int64_t n = 0, e = getType().getNumElements(); n < e; ++n) {
    // Find the input that holds this position along the axis.
    int64_t offset = index[axis];
    for (auto [value, attr] : llvm::zip(getInputs(), adaptor.getInputs())) {
      auto shape = cast<RankedTensorType>(value.getType()).getShape();
      if (offset >= shape[axis]) {
        offset -= shape[axis];
        continue;
      }
      SmallVector<int64_t> inner(index);
      inner[axis] = offset;
      auto dense = cast<DenseElementsAttr>(attr);
      values.push_back(
          dense.getValues<
              Attribute>()[dense.isSplat() ? 0 : linearIndex(inner, shape)]);
      break;
    }
    for (int64_t d = getType().getRank() - 1; d >= 0; --d) {
      if (++index[d] < getType().getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(getType(), values);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  bool unitSteps = llvm::all_of(getSteps(), [](int64_t s) { return s == 1; });
  if (unitSteps && getInput().getType() == getType() &&
      getType().hasStaticShape())
    return getInput();
  RankedTensorType inputType = getInput().getType();
  if (!inputType.hasStaticShape())
    return {};
  int64_t rank = inputType.getRank();
  SmallVector<int64_t> starts(rank, 0), steps(rank, 1);
  for (size_t i = 0; i < getStarts().size(); ++i) {
    int64_t axis =
        *normalizeAxis(getAxes().empty() ? (int64_t)i : getAxes()[i], rank);
    steps[axis] = getSteps().empty() ? 1 : getSteps()[i];
    starts[axis] = resolveSliceRange(inputType.getDimSize(axis), getStarts()[i],
                                     getEnds()[i], steps[axis])
                       .first;
  }
  return foldMovement(adaptor.getInput(), getType(),
                      [&](ArrayRef<int64_t> index) {
                        SmallVector<int64_t> source;
                        for (int64_t d = 0; d < rank; ++d)
                          source.push_back(starts[d] + index[d] * steps[d]);
                        return linearIndex(source, inputType.getShape());
                      });
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  ArrayRef<int64_t> inputShape = getInput().getType().getShape();
  if (!getInput().getType().hasStaticShape() || !getType().hasStaticShape())
    return {};
  SmallVector<int64_t> sources =
      broadcastSourceIndices(inputShape, getType().getShape());
  return foldMovement(
      adaptor.getInput(), getType(), [&](ArrayRef<int64_t> index) {
        return sources[linearIndex(index, getType().getShape())];
      });
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto indices = dyn_cast_or_null<DenseElementsAttr>(adaptor.getIndices());
  RankedTensorType dataType = getData().getType();
  if (!indices || !dataType.hasStaticShape())
    return {};
  int64_t axis = *normalizeAxis((int64_t)getAxis(), dataType.getRank());
  int64_t q = getIndices().getType().getRank();
  ArrayRef<int64_t> indexShape = getIndices().getType().getShape();
  SmallVector<int64_t> positions;
  for (const APInt &v : indices.getValues<APInt>()) {
    int64_t i = v.getSExtValue();
    if (i < 0)
      i += dataType.getDimSize(axis);
    if (i < 0 || i >= dataType.getDimSize(axis))
      return {};
    positions.push_back(i);
  }
  return foldMovement(
      adaptor.getData(), getType(), [&](ArrayRef<int64_t> index) {
        SmallVector<int64_t> source(index.take_front(axis));
        int64_t at = linearIndex(index.slice(axis, q), indexShape);
        source.push_back(positions[indices.isSplat() ? 0 : at]);
        llvm::append_range(source, index.drop_front(axis + q));
        return linearIndex(source, dataType.getShape());
      });
}

/// Squeeze, unsqueeze and flatten of a constant: the same elements.
template <typename OpTy>
static OpFoldResult foldReshapeOfConstant(OpTy op, Attribute input) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(input);
  auto type = cast<RankedTensorType>(op.getType());
  if (!dense || !type.hasStaticShape())
    return {};
  return dense.reshape(type);
}
OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeOfConstant(*this, adaptor.getInput());
}
OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeOfConstant(*this, adaptor.getInput());
}
OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  return foldReshapeOfConstant(*this, adaptor.getInput());
}
