//===- DataMovement.cpp - reshapes, transpose, slices, gather, pad --------===//
#include "dialects/Kiln/KilnOps.h"
#include "dialects/Kiln/ShapeInference.h"
#include "passes/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "passes/Conversion/KilnToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

Value index(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

//===----------------------------------------------------------------------===//
// Reshape-like ops: the result sizes, then a collapse/expand.
//===----------------------------------------------------------------------===//

SmallVector<OpFoldResult> reshapeSizes(OpBuilder &b, Location loc, ReshapeOp op,
                                       Value input) {
  SmallVector<OpFoldResult> inputSizes = tensor::getMixedSizes(b, loc, input);
  RankedTensorType type = op.getType();
  SmallVector<OpFoldResult> sizes;
  int inferred = -1;
  for (auto [i, d] : llvm::enumerate(op.getShape())) {
    if (!type.isDynamicDim(i))
      sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
    else if (d == 0)
      sizes.push_back(inputSizes[i]);
    else
      inferred = i, sizes.push_back(OpFoldResult());
  }
  if (inferred >= 0) {
    SmallVector<OpFoldResult> known;
    for (auto [i, s] : llvm::enumerate(sizes))
      if ((int)i != inferred)
        known.push_back(s);
    sizes[inferred] =
        arith::DivUIOp::create(b, loc, buildProduct(b, loc, inputSizes),
                               buildProduct(b, loc, known))
            .getResult();
  }
  return sizes;
}

SmallVector<OpFoldResult> reshapeSizes(OpBuilder &b, Location loc, SqueezeOp op,
                                       Value input) {
  SmallVector<OpFoldResult> sizes;
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> axes;
  for (int64_t a : op.getAxes())
    axes.push_back(*normalizeAxis(a, inputType.getRank()));
  for (int64_t d = 0; d < inputType.getRank(); ++d) {
    bool removed = axes.empty() ? inputType.getDimSize(d) == 1
                                : llvm::is_contained(axes, d);
    if (!removed)
      sizes.push_back(tensor::getMixedSize(b, loc, input, d));
  }
  return sizes;
}

SmallVector<OpFoldResult> reshapeSizes(OpBuilder &b, Location loc,
                                       UnsqueezeOp op, Value input) {
  int64_t rank = op.getType().getRank();
  SmallVector<int64_t> axes;
  for (int64_t a : op.getAxes())
    axes.push_back(*normalizeAxis(a, rank));
  SmallVector<OpFoldResult> sizes;
  int64_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(llvm::is_contained(axes, d)
                        ? OpFoldResult(b.getIndexAttr(1))
                        : tensor::getMixedSize(b, loc, input, next++));
  return sizes;
}

SmallVector<OpFoldResult> reshapeSizes(OpBuilder &b, Location loc, FlattenOp op,
                                       Value input) {
  SmallVector<OpFoldResult> inputSizes = tensor::getMixedSizes(b, loc, input);
  int64_t axis = (int64_t)op.getAxis();
  if (axis < 0)
    axis += inputSizes.size();
  SmallVector<OpFoldResult> sizes;
  RankedTensorType type = op.getType();
  ArrayRef<OpFoldResult> all(inputSizes);
  SmallVector<ArrayRef<OpFoldResult>> parts = {all.take_front(axis),
                                               all.drop_front(axis)};
  for (int i = 0; i < 2; ++i)
    sizes.push_back(type.isDynamicDim(i)
                        ? OpFoldResult(buildProduct(b, loc, parts[i]))
                        : b.getIndexAttr(type.getDimSize(i)));
  return sizes;
}

template <typename OpTy> struct ReshapeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    rewriter.replaceOp(op,
                       buildReshape(rewriter, loc, input, type,
                                    reshapeSizes(rewriter, loc, op, input)));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> inputSizes =
        tensor::getMixedSizes(rewriter, loc, adaptor.getInput());
    SmallVector<OpFoldResult> sizes;
    for (int64_t p : op.getPerm())
      sizes.push_back(inputSizes[p]);
    Value init = buildEmpty(rewriter, loc, op.getType(), sizes);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, loc,
                                                       adaptor.getInput(), init,
                                                       op.getPerm())
                               .getResult()[0]);
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t axis = *normalizeAxis((int64_t)op.getAxis(), type.getRank());
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, adaptor.getInputs().front());
    SmallVector<OpFoldResult> axisSizes;
    for (Value input : adaptor.getInputs())
      axisSizes.push_back(tensor::getMixedSize(rewriter, loc, input, axis));
    if (type.isDynamicDim(axis)) {
      Value total = index(rewriter, loc, 0);
      for (OpFoldResult s : axisSizes)
        total = arith::AddIOp::create(
            rewriter, loc, total,
            getValueOrCreateConstantIndexOp(rewriter, loc, s));
      sizes[axis] = total;
    } else {
      sizes[axis] = rewriter.getIndexAttr(type.getDimSize(axis));
    }
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (d != axis && !type.isDynamicDim(d))
        sizes[d] = rewriter.getIndexAttr(type.getDimSize(d));
    Value result = buildEmpty(rewriter, loc, type, sizes);
    OpFoldResult offset = rewriter.getIndexAttr(0);
    for (auto [input, axisSize] : llvm::zip(adaptor.getInputs(), axisSizes)) {
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      offsets[axis] = offset;
      SmallVector<OpFoldResult> inputSizes =
          tensor::getMixedSizes(rewriter, loc, input);
      SmallVector<OpFoldResult> strides(type.getRank(),
                                        rewriter.getIndexAttr(1));
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, inputSizes, strides);
      offset = arith::AddIOp::create(
                   rewriter, loc,
                   getValueOrCreateConstantIndexOp(rewriter, loc, offset),
                   getValueOrCreateConstantIndexOp(rewriter, loc, axisSize))
                   .getResult();
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Slice: ONNX clamping computed at compile time for static dimensions and
// at run time for dynamic ones.
//===----------------------------------------------------------------------===//

/// A linalg.generic producing `init`'s type in which every element reads
/// `source` at the coordinates `coordinates` computes from the scalars of
/// `inputs` (read through `inputMaps`) and the linalg.index values.
Value buildReadAt(
    OpBuilder &builder, Location loc, Value source, Value init,
    ValueRange inputs, ArrayRef<AffineMap> inputMaps,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
        coordinates) {
  auto type = cast<RankedTensorType>(init.getType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(
      AffineMap::getMultiDimIdentityMap(type.getRank(), builder.getContext()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, loc, type, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &b, Location l, ValueRange args) {
        SmallVector<Value> coords = coordinates(b, l, args.drop_back());
        linalg::YieldOp::create(
            b, l, tensor::ExtractOp::create(b, l, source, coords).getResult());
      });
  return generic.getResult(0);
}

/// Runtime start and count of an ONNX slice over a dimension of size `dim`.
std::pair<Value, Value> sliceRange(OpBuilder &b, Location loc, Value dim,
                                   int64_t start, int64_t end, int64_t step) {
  auto clampValue = [&](int64_t v, Value lo, Value hi) {
    // v < 0 ? v + dim : v, then clamp to [lo, hi].
    Value c = index(b, loc, v);
    Value adjusted = v < 0 ? (Value)arith::AddIOp::create(b, loc, c, dim) : c;
    return arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, adjusted, lo), hi);
  };
  Value zero = index(b, loc, 0), one = index(b, loc, 1);
  Value s, e, span;
  if (step > 0) {
    s = clampValue(start, zero, dim);
    e = clampValue(end, zero, dim);
    span = arith::SubIOp::create(b, loc, e, s);
  } else {
    Value last = arith::SubIOp::create(b, loc, dim, one);
    s = clampValue(start, zero, last);
    e = clampValue(end, index(b, loc, -1), last);
    span = arith::SubIOp::create(b, loc, s, e);
  }
  int64_t magnitude = std::abs(step);
  // ceil(span / |step|), at least 0.
  Value count = arith::DivSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, span, index(b, loc, magnitude - 1)),
      index(b, loc, magnitude));
  count = arith::MaxSIOp::create(b, loc, count, zero);
  return {s, count};
}

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = inputType.getRank();
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, input);
    SmallVector<int64_t> steps(rank, 1);
    for (size_t i = 0; i < op.getStarts().size(); ++i) {
      int64_t axis = *normalizeAxis(
          op.getAxes().empty() ? (int64_t)i : op.getAxes()[i], rank);
      int64_t step = op.getSteps().empty() ? 1 : op.getSteps()[i];
      steps[axis] = step;
      int64_t start = op.getStarts()[i], end = op.getEnds()[i];
      if (!inputType.isDynamicDim(axis)) {
        auto [s, count] =
            resolveSliceRange(inputType.getDimSize(axis), start, end, step);
        // An empty slice may start at the end; tensor.extract_slice wants
        // offsets in bounds.
        offsets[axis] = rewriter.getIndexAttr(count == 0 ? 0 : s);
        sizes[axis] = rewriter.getIndexAttr(count);
      } else {
        auto [s, count] = sliceRange(
            rewriter, loc, tensor::DimOp::create(rewriter, loc, input, axis),
            start, end, step);
        offsets[axis] = s;
        sizes[axis] = count;
      }
    }
    RankedTensorType type = op.getType();
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> strides;
      for (int64_t s : steps)
        strides.push_back(rewriter.getIndexAttr(s));
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, type, input, offsets, sizes, strides);
      return success();
    }
    // Negative steps: result[i] = input[offset + i * step], by gathering.
    Value init = buildEmpty(rewriter, loc, type, sizes);
    rewriter.replaceOp(
        op, buildReadAt(
                rewriter, loc, input, init, {}, {},
                [&](OpBuilder &b, Location l, ValueRange) {
                  SmallVector<Value> coords;
                  for (int64_t d = 0; d < rank; ++d) {
                    Value i = linalg::IndexOp::create(b, l, d);
                    Value offset =
                        getValueOrCreateConstantIndexOp(b, l, offsets[d]);
                    coords.push_back(arith::AddIOp::create(
                        b, l, offset,
                        arith::MulIOp::create(b, l, i, index(b, l, steps[d]))));
                  }
                  return coords;
                }));
    return success();
  }
};

/// An index value from a gathered integer, where negative values count from
/// the end of a dimension of `size`.
Value indexFrom(OpBuilder &b, Location loc, Value element, Value size) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), element);
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i,
                                         index(b, loc, 0));
  return arith::SelectOp::create(b, loc, negative,
                                 arith::AddIOp::create(b, loc, i, size), i);
}

struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), q = indicesType.getRank();
    int64_t axis = *normalizeAxis((int64_t)op.getAxis(), dataType.getRank());

    SmallVector<OpFoldResult> dataSizes =
        tensor::getMixedSizes(rewriter, loc, data);
    SmallVector<OpFoldResult> indexSizes =
        tensor::getMixedSizes(rewriter, loc, indices);
    SmallVector<OpFoldResult> sizes(dataSizes.begin(),
                                    dataSizes.begin() + axis);
    sizes.append(indexSizes);
    sizes.append(dataSizes.begin() + axis + 1, dataSizes.end());
    Value init = buildEmpty(rewriter, loc, type, sizes);

    SmallVector<AffineExpr> indexExprs;
    for (int64_t j = 0; j < q; ++j)
      indexExprs.push_back(getAffineDimExpr(axis + j, ctx));
    Value axisSize = tensor::DimOp::create(rewriter, loc, data, axis);
    rewriter.replaceOp(
        op, buildReadAt(rewriter, loc, data, init, indices,
                        AffineMap::get(rank, 0, indexExprs, ctx),
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          SmallVector<Value> coords;
                          for (int64_t d = 0; d < axis; ++d)
                            coords.push_back(linalg::IndexOp::create(b, l, d));
                          coords.push_back(indexFrom(b, l, args[0], axisSize));
                          for (int64_t d = axis + q; d < rank; ++d)
                            coords.push_back(linalg::IndexOp::create(b, l, d));
                          return coords;
                        }));
    return success();
  }
};

struct GatherElementsLowering : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = *normalizeAxis((int64_t)op.getAxis(), rank);
    Value init = buildEmpty(rewriter, loc, type,
                            tensor::getMixedSizes(rewriter, loc, indices));
    Value axisSize = tensor::DimOp::create(rewriter, loc, data, axis);
    AffineMap identity =
        AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext());
    rewriter.replaceOp(
        op,
        buildReadAt(rewriter, loc, data, init, indices, identity,
                    [&](OpBuilder &b, Location l, ValueRange args) {
                      Value i = indexFrom(b, l, args[0], axisSize);
                      SmallVector<Value> coords;
                      for (int64_t d = 0; d < rank; ++d)
                        coords.push_back(
                            d == axis ? i : linalg::IndexOp::create(b, l, d));
                      return coords;
                    }));
    return success();
  }
};

struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    if (op.getMode() == "constant") {
      SmallVector<OpFoldResult> low, high;
      for (int64_t d = 0; d < rank; ++d) {
        low.push_back(rewriter.getIndexAttr(pads[d]));
        high.push_back(rewriter.getIndexAttr(pads[d + rank]));
      }
      Value value = buildScalarConstant(rewriter, loc, type.getElementType(),
                                        op.getValue().convertToDouble());
      rewriter.replaceOpWithNewOp<tensor::PadOp>(op, type, input, low, high,
                                                 value);
      return success();
    }
    // edge / reflect: each result element reads a mapped input coordinate.
    bool reflect = op.getMode() == "reflect";
    SmallVector<OpFoldResult> inputSizes =
        tensor::getMixedSizes(rewriter, loc, input);
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(type.isDynamicDim(d)
                          ? OpFoldResult(arith::AddIOp::create(
                                rewriter, loc,
                                getValueOrCreateConstantIndexOp(rewriter, loc,
                                                                inputSizes[d]),
                                index(rewriter, loc, pads[d] + pads[d + rank])))
                          : rewriter.getIndexAttr(type.getDimSize(d)));
    Value init = buildEmpty(rewriter, loc, type, sizes);
    rewriter.replaceOp(
        op,
        buildReadAt(
            rewriter, loc, input, init, {}, {},
            [&](OpBuilder &b, Location l, ValueRange) {
              SmallVector<Value> coords;
              for (int64_t d = 0; d < rank; ++d) {
                Value dim =
                    getValueOrCreateConstantIndexOp(b, l, inputSizes[d]);
                Value last = arith::SubIOp::create(b, l, dim, index(b, l, 1));
                Value j = arith::SubIOp::create(
                    b, l, linalg::IndexOp::create(b, l, d),
                    index(b, l, pads[d]));
                if (reflect) {
                  // j < 0 -> -j; j > last -> 2 * last - j.
                  Value zero = index(b, l, 0);
                  Value absolute = arith::MaxSIOp::create(
                      b, l, j, arith::SubIOp::create(b, l, zero, j));
                  Value mirrored = arith::SubIOp::create(
                      b, l, arith::AddIOp::create(b, l, last, last), absolute);
                  j = arith::MinSIOp::create(b, l, absolute, mirrored);
                } else {
                  j = arith::MinSIOp::create(
                      b, l, arith::MaxSIOp::create(b, l, j, index(b, l, 0)),
                      last);
                }
                coords.push_back(j);
              }
              return coords;
            }));
    return success();
  }
};

} // namespace

void kiln::populateDataMovementLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering<ReshapeOp>, ReshapeLowering<SqueezeOp>,
               ReshapeLowering<UnsqueezeOp>, ReshapeLowering<FlattenOp>,
               TransposeLowering, ConcatLowering, SliceLowering, GatherLowering,
               GatherElementsLowering, PadLowering>(patterns.getContext());
}
