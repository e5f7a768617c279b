//===- Reductions.cpp - kiln reductions to linalg -------------------------===//
#include "dialects/Kiln/KilnOps.h"
#include "dialects/Kiln/ShapeInference.h"
#include "passes/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "passes/Conversion/KilnToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// Sorted, normalized reduction axes (all axes when `axes` is empty).
SmallVector<int64_t> reductionAxes(ArrayRef<int64_t> axes, int64_t rank) {
  if (axes.empty())
    return llvm::to_vector(llvm::seq<int64_t>(0, rank));
  SmallVector<int64_t> result;
  for (int64_t axis : axes)
    result.push_back(*normalizeAxis(axis, rank));
  llvm::sort(result);
  return result;
}

/// The result of reducing `input` over `axes` without kept dimensions, and
/// its sizes.
struct Reduced {
  RankedTensorType type;
  SmallVector<OpFoldResult> sizes;
};
Reduced reducedShape(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> axes, Type element) {
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<OpFoldResult> inputSizes = tensor::getMixedSizes(b, loc, input);
  Reduced r;
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < inputType.getRank(); ++d) {
    if (llvm::is_contained(axes, d))
      continue;
    shape.push_back(inputType.getDimSize(d));
    r.sizes.push_back(inputSizes[d]);
  }
  r.type = RankedTensorType::get(shape, element);
  return r;
}

/// With keepdims, the reduced tensor gets its unit dimensions back.
Value restoreKeptDims(OpBuilder &b, Location loc, Value reduced,
                      const Reduced &r, RankedTensorType resultType,
                      ArrayRef<int64_t> axes) {
  if (resultType.getRank() == r.type.getRank())
    return reduced;
  SmallVector<OpFoldResult> sizes;
  auto rest = ArrayRef<OpFoldResult>(r.sizes);
  for (int64_t d = 0; d < resultType.getRank(); ++d) {
    if (llvm::is_contained(axes, d)) {
      sizes.push_back(b.getIndexAttr(1));
    } else {
      sizes.push_back(rest.front());
      rest = rest.drop_front();
    }
  }
  return buildReshape(b, loc, reduced, resultType, sizes);
}

enum class ReduceKind { Sum, Mean, Max, Min, Prod };

template <typename OpTy, ReduceKind kind>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type element = inputType.getElementType();
    bool isFloat = isa<FloatType>(element);
    bool isBool = element.isInteger(1);
    SmallVector<int64_t> axes =
        reductionAxes(op.getAxes(), inputType.getRank());
    Reduced r = reducedShape(rewriter, loc, input, axes, element);

    TypedAttr identity;
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      identity = rewriter.getZeroAttr(element);
      break;
    case ReduceKind::Prod:
      identity = isFloat ? (TypedAttr)rewriter.getFloatAttr(element, 1.0)
                         : (TypedAttr)rewriter.getIntegerAttr(element, 1);
      break;
    case ReduceKind::Max:
      identity = extremeValue(element, /*lowest=*/true);
      break;
    case ReduceKind::Min:
      identity = extremeValue(element, /*lowest=*/false);
      break;
    }
    Value init = buildFilled(rewriter, loc, r.type, r.sizes, identity);
    auto reduce = linalg::ReduceOp::create(
        rewriter, loc, ValueRange{input}, ValueRange{init}, axes,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], acc = args[1], result;
          switch (kind) {
          case ReduceKind::Sum:
          case ReduceKind::Mean:
            result = isFloat ? (Value)arith::AddFOp::create(b, l, x, acc)
                             : (Value)arith::AddIOp::create(b, l, x, acc);
            break;
          case ReduceKind::Prod:
            result = isFloat ? (Value)arith::MulFOp::create(b, l, x, acc)
                             : (Value)arith::MulIOp::create(b, l, x, acc);
            break;
          // i1 compares unsigned: false < true (any / all).
          case ReduceKind::Max:
            result = isFloat  ? (Value)arith::MaximumFOp::create(b, l, x, acc)
                     : isBool ? (Value)arith::MaxUIOp::create(b, l, x, acc)
                              : (Value)arith::MaxSIOp::create(b, l, x, acc);
            break;
          case ReduceKind::Min:
            result = isFloat  ? (Value)arith::MinimumFOp::create(b, l, x, acc)
                     : isBool ? (Value)arith::MinUIOp::create(b, l, x, acc)
                              : (Value)arith::MinSIOp::create(b, l, x, acc);
            break;
          }
          linalg::YieldOp::create(b, l, result);
        });
    Value reduced = reduce.getResult(0);
    if (kind == ReduceKind::Mean)
      reduced = divideByCount(rewriter, loc, input, reduced, r.type, axes);
    rewriter.replaceOp(
        op, restoreKeptDims(rewriter, loc, reduced, r, op.getType(), axes));
    return success();
  }

  static Value divideByCount(OpBuilder &b, Location loc, Value input,
                             Value sums, RankedTensorType type,
                             ArrayRef<int64_t> axes) {
    SmallVector<OpFoldResult> reducedSizes;
    for (int64_t axis : axes)
      reducedSizes.push_back(tensor::getMixedSize(b, loc, input, axis));
    Value count = buildProduct(b, loc, reducedSizes);
    Type element = type.getElementType();
    Value countScalar;
    if (isa<FloatType>(element)) {
      Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
      countScalar = arith::SIToFPOp::create(b, loc, element, asInt);
    } else {
      countScalar = arith::IndexCastOp::create(b, loc, element, count);
    }
    return buildElementwise(
        b, loc, sums, type, [&](OpBuilder &nb, Location l, ValueRange a) {
          return isa<FloatType>(element)
                     ? (Value)arith::DivFOp::create(nb, l, a[0], countScalar)
                     : (Value)arith::DivSIOp::create(nb, l, a[0], countScalar);
        });
  }
};

/// argmax / argmin: a linalg.generic carrying (best value, its index) that
/// keeps the first index on ties.
template <typename OpTy, bool isMax>
struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = inputType.getRank();
    Type element = inputType.getElementType();
    int64_t axis = *normalizeAxis((int64_t)op.getAxis(), rank);
    Reduced values = reducedShape(rewriter, loc, input, {axis}, element);
    auto indexType =
        RankedTensorType::get(values.type.getShape(), rewriter.getI64Type());
    Value valueInit = buildFilled(rewriter, loc, values.type, values.sizes,
                                  extremeValue(element, /*lowest=*/isMax));
    Value indexInit = buildFilled(rewriter, loc, indexType, values.sizes,
                                  rewriter.getI64IntegerAttr(0));
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      iterators.push_back(d == axis ? utils::IteratorType::reduction
                                    : utils::IteratorType::parallel);
      if (d != axis)
        outExprs.push_back(getAffineDimExpr(d, ctx));
    }
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                   outMap, outMap};
    bool isFloat = isa<FloatType>(element);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{values.type, indexType}, ValueRange{input},
        ValueRange{valueInit, indexInit}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value index = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isFloat)
            better = arith::CmpFOp::create(b, l,
                                           isMax ? arith::CmpFPredicate::OGT
                                                 : arith::CmpFPredicate::OLT,
                                           x, best);
          else if (element.isInteger(1)) // false < true
            better = arith::CmpIOp::create(b, l,
                                           isMax ? arith::CmpIPredicate::ugt
                                                 : arith::CmpIPredicate::ult,
                                           x, best);
          else
            better = arith::CmpIOp::create(b, l,
                                           isMax ? arith::CmpIPredicate::sgt
                                                 : arith::CmpIPredicate::slt,
                                           x, best);
          // The first element always wins, so that all-NaN or extreme inputs
          // still produce a valid index.
          Value first = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, index,
              arith::ConstantOp::create(b, l, b.getI64IntegerAttr(0)));
          better = arith::OrIOp::create(b, l, better, first);
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, better, x, best),
                  arith::SelectOp::create(b, l, better, index, bestIndex)});
        });
    Reduced indices = values;
    indices.type = indexType;
    rewriter.replaceOp(op, restoreKeptDims(rewriter, loc, generic.getResult(1),
                                           indices, op.getType(), {axis}));
    return success();
  }
};

} // namespace

void kiln::populateReductionLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceLowering<ReduceSumOp, ReduceKind::Sum>,
               ReduceLowering<ReduceMeanOp, ReduceKind::Mean>,
               ReduceLowering<ReduceMaxOp, ReduceKind::Max>,
               ReduceLowering<ReduceMinOp, ReduceKind::Min>,
               ReduceLowering<ReduceProdOp, ReduceKind::Prod>,
               ArgReduceLowering<ArgMaxOp, true>,
               ArgReduceLowering<ArgMinOp, false>>(patterns.getContext());
}
