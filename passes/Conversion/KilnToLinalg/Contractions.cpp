//===- Contractions.cpp - matmul, convolution and pooling to linalg -------===//
#include "dialects/Kiln/KilnOps.h"
#include "passes/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "passes/Conversion/KilnToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType type,
                 ArrayRef<OpFoldResult> sizes) {
  return buildFilled(b, loc, type, sizes, b.getZeroAttr(type.getElementType()));
}

/// Collapses dimension groups of `value` (e.g. [[0, 1], [2]]).
Value collapse(OpBuilder &b, Location loc, Value value,
               ArrayRef<ReassociationIndices> groups) {
  return tensor::CollapseShapeOp::create(b, loc, value, groups);
}

Value expand(OpBuilder &b, Location loc, Value value, RankedTensorType type,
             ArrayRef<ReassociationIndices> groups,
             ArrayRef<OpFoldResult> sizes) {
  // expand-strided-metadata crashes on a group with several dynamic sizes;
  // buildReshape spells such shapes out in a tensor.reshape.
  for (const ReassociationIndices &group : groups)
    if (llvm::count_if(group, [&](int64_t d) { return type.isDynamicDim(d); }) >
        1)
      return buildReshape(b, loc, value, type, sizes);
  return tensor::ExpandShapeOp::create(b, loc, type, value, groups, sizes);
}

ReassociationIndices range(int64_t begin, int64_t end) {
  ReassociationIndices r;
  for (int64_t i = begin; i < end; ++i)
    r.push_back(i);
  return r;
}

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    RankedTensorType resultType = op.getType();
    Type element = resultType.getElementType();
    int64_t rank = resultType.getRank();
    SmallVector<OpFoldResult> lhsSizes =
        tensor::getMixedSizes(rewriter, loc, lhs);
    SmallVector<OpFoldResult> rhsSizes =
        tensor::getMixedSizes(rewriter, loc, rhs);
    OpFoldResult n = rhsSizes.back();

    // [..., M, K] x [K, N]: fold the batch into M and use one matmul.
    if (tensorType(rhs).getRank() == 2) {
      RankedTensorType lhsType = tensorType(lhs);
      Value flatLhs = lhs;
      SmallVector<OpFoldResult> rows(lhsSizes.begin(), lhsSizes.end() - 1);
      if (lhsType.getRank() > 2)
        flatLhs = collapse(
            rewriter, loc, lhs,
            {range(0, lhsType.getRank() - 1), {lhsType.getRank() - 1}});
      int64_t m = tensorType(flatLhs).getDimSize(0);
      auto flatResultType =
          RankedTensorType::get({m, resultType.getDimSize(rank - 1)}, element);
      SmallVector<OpFoldResult> flatSizes = {
          lhsType.getRank() > 2
              ? OpFoldResult(buildProduct(rewriter, loc, rows))
              : rows.front(),
          n};
      Value init = zeroFilled(rewriter, loc, flatResultType, flatSizes);
      Value product =
          linalg::MatmulOp::create(rewriter, loc, ValueRange{flatLhs, rhs},
                                   ValueRange{init})
              .getResult(0);
      if (lhsType.getRank() > 2) {
        SmallVector<OpFoldResult> sizes(rows);
        sizes.push_back(n);
        product = expand(rewriter, loc, product, resultType,
                         {range(0, rank - 1), {rank - 1}}, sizes);
      }
      rewriter.replaceOp(op, product);
      return success();
    }

    // Broadcast both operands to the full batch, collapse the batch to one
    // dimension and use batch_matmul.
    ArrayRef<int64_t> batch = resultType.getShape().drop_back(2);
    SmallVector<OpFoldResult> batchSizes;
    {
      SmallVector<OpFoldResult> resultSizes =
          broadcastResultSizes(rewriter, loc, {lhs, rhs}, resultType);
      // The last two result sizes do not come from broadcasting.
      batchSizes.assign(resultSizes.begin(), resultSizes.end() - 2);
    }
    auto broadcastOperand = [&](Value operand) -> Value {
      RankedTensorType type = tensorType(operand);
      SmallVector<int64_t> shape(batch);
      shape.append(type.getShape().end() - 2, type.getShape().end());
      auto full = RankedTensorType::get(shape, element);
      if (full == type)
        return operand;
      // A dynamic batch size may come from the other operand only.
      SmallVector<OpFoldResult> sizes(batchSizes);
      SmallVector<OpFoldResult> own =
          tensor::getMixedSizes(rewriter, loc, operand);
      sizes.append(own.end() - 2, own.end());
      return buildElementwise(
          rewriter, loc, operand, full,
          [](OpBuilder &, Location, ValueRange a) { return a[0]; }, sizes);
    };
    lhs = broadcastOperand(lhs);
    rhs = broadcastOperand(rhs);
    int64_t batchRank = batch.size();
    if (batchRank > 1) {
      SmallVector<ReassociationIndices> groups = {
          range(0, batchRank), {batchRank}, {batchRank + 1}};
      lhs = collapse(rewriter, loc, lhs, groups);
      rhs = collapse(rewriter, loc, rhs, groups);
    }
    SmallVector<OpFoldResult> flatSizes = {
        batchRank > 1 ? OpFoldResult(buildProduct(rewriter, loc, batchSizes))
                      : batchSizes.front(),
        lhsSizes[lhsSizes.size() - 2], n};
    auto flatType = RankedTensorType::get({tensorType(lhs).getDimSize(0),
                                           resultType.getDimSize(rank - 2),
                                           resultType.getDimSize(rank - 1)},
                                          element);
    Value init = zeroFilled(rewriter, loc, flatType, flatSizes);
    Value product = linalg::BatchMatmulOp::create(
                        rewriter, loc, ValueRange{lhs, rhs}, ValueRange{init})
                        .getResult(0);
    if (batchRank > 1) {
      SmallVector<OpFoldResult> sizes(batchSizes);
      sizes.push_back(flatSizes[1]);
      sizes.push_back(n);
      product =
          expand(rewriter, loc, product, resultType,
                 {range(0, batchRank), {batchRank}, {batchRank + 1}}, sizes);
    }
    rewriter.replaceOp(op, product);
    return success();
  }
};

/// Pads the spatial dimensions of an NCHW tensor by [top, left, bottom,
/// right] with `value`.
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> pads, TypedAttr value) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                   b.getIndexAttr(pads[0]),
                                   b.getIndexAttr(pads[1])};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(0),
                                    b.getIndexAttr(pads[2]),
                                    b.getIndexAttr(pads[3])};
  RankedTensorType type = tensorType(input);
  SmallVector<int64_t> shape(type.getShape());
  for (int i = 0; i < 2; ++i)
    if (!type.isDynamicDim(2 + i))
      shape[2 + i] += pads[i] + pads[i + 2];
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  Value padValue = arith::ConstantOp::create(b, loc, value);
  return tensor::PadOp::create(b, loc, paddedType, input, low, high, padValue);
}

/// Output sizes of a window op: N and C (or F) are given, H and W come from
/// the result type, or are computed when dynamic.
SmallVector<OpFoldResult>
windowResultSizes(OpBuilder &b, Location loc, Value paddedInput,
                  OpFoldResult channels, RankedTensorType resultType,
                  ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                  ArrayRef<int64_t> dilations) {
  SmallVector<OpFoldResult> sizes = {
      tensor::getMixedSize(b, loc, paddedInput, 0), channels};
  for (int i = 0; i < 2; ++i) {
    if (!resultType.isDynamicDim(2 + i)) {
      sizes.push_back(b.getIndexAttr(resultType.getDimSize(2 + i)));
      continue;
    }
    // (padded - dilation * (kernel - 1) - 1) / stride + 1
    Value padded = tensor::DimOp::create(b, loc, paddedInput, 2 + i);
    Value span = arith::ConstantIndexOp::create(
        b, loc, dilations[i] * (kernel[i] - 1) + 1);
    Value stride = arith::ConstantIndexOp::create(b, loc, strides[i]);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value size = arith::AddIOp::create(
        b, loc,
        arith::DivUIOp::create(
            b, loc, arith::SubIOp::create(b, loc, padded, span), stride),
        one);
    sizes.push_back(size);
  }
  return sizes;
}

Value addChannelBias(OpBuilder &b, Location loc, Value conv, Value bias) {
  RankedTensorType biasType = tensorType(bias);
  auto bias3d = RankedTensorType::get({biasType.getDimSize(0), 1, 1},
                                      biasType.getElementType());
  Value expanded = expand(b, loc, bias, bias3d, {{0, 1, 2}},
                          {tensor::getMixedSize(b, loc, bias, 0),
                           b.getIndexAttr(1), b.getIndexAttr(1)});
  return buildElementwise(
      b, loc, {conv, expanded}, tensorType(conv),
      [](OpBuilder &nb, Location l, ValueRange a) {
        return arith::AddFOp::create(nb, l, a[0], a[1]).getResult();
      });
}

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type element = resultType.getElementType();
    Value filter = adaptor.getFilter();
    ArrayRef<int64_t> filterShape = tensorType(filter).getShape();
    int64_t groups = op.getGroups(), features = filterShape[0];
    Value input = padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(),
                             rewriter.getZeroAttr(element));
    auto strides = rewriter.getI64TensorAttr(op.getStrides());
    auto dilations = rewriter.getI64TensorAttr(op.getDilations());
    SmallVector<OpFoldResult> sizes = windowResultSizes(
        rewriter, loc, input, rewriter.getIndexAttr(features), resultType,
        filterShape.drop_front(2), op.getStrides(), op.getDilations());
    Value init = zeroFilled(rewriter, loc, resultType, sizes);
    Value conv;
    if (groups == 1) {
      conv = linalg::Conv2DNchwFchwOp::create(
                 rewriter, loc, resultType, ValueRange{input, filter},
                 ValueRange{init}, strides, dilations)
                 .getResult(0);
    } else if (filterShape[1] == 1 && features == groups) {
      // Depthwise: filter [C, 1, KH, KW] -> [C, KH, KW].
      auto depthwiseFilterType = RankedTensorType::get(
          {features, filterShape[2], filterShape[3]}, element);
      Value depthwiseFilter = tensor::CollapseShapeOp::create(
          rewriter, loc, depthwiseFilterType, filter,
          ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
      conv = linalg::DepthwiseConv2DNchwChwOp::create(
                 rewriter, loc, resultType, ValueRange{input, depthwiseFilter},
                 ValueRange{init}, strides, dilations)
                 .getResult(0);
    } else {
      // Grouped: [N, G*C', H, W] x [G*F', C', KH, KW] through
      // conv_2d_ngchw_gfchw on [N, G, C', H, W] x [G, F', C', KH, KW].
      RankedTensorType inputType = tensorType(input);
      int64_t perGroupIn = filterShape[1], perGroupOut = features / groups;
      // expand_shape cannot split a dynamic channel count into static
      // groups; it is groups x C' (checked by the verifier when static).
      if (inputType.isDynamicDim(1)) {
        SmallVector<int64_t> shape(inputType.getShape());
        shape[1] = groups * perGroupIn;
        inputType = RankedTensorType::get(shape, element);
        input = tensor::CastOp::create(rewriter, loc, inputType, input);
      }
      auto groupedInputType = RankedTensorType::get(
          {inputType.getDimSize(0), groups, perGroupIn, inputType.getDimSize(2),
           inputType.getDimSize(3)},
          element);
      SmallVector<OpFoldResult> inputSizes =
          tensor::getMixedSizes(rewriter, loc, input);
      Value groupedInput = expand(
          rewriter, loc, input, groupedInputType, {{0}, {1, 2}, {3}, {4}},
          {inputSizes[0], rewriter.getIndexAttr(groups),
           rewriter.getIndexAttr(perGroupIn), inputSizes[2], inputSizes[3]});
      auto groupedFilterType = RankedTensorType::get(
          {groups, perGroupOut, perGroupIn, filterShape[2], filterShape[3]},
          element);
      Value groupedFilter = expand(
          rewriter, loc, filter, groupedFilterType, {{0, 1}, {2}, {3}, {4}},
          getAsIndexOpFoldResult(rewriter.getContext(),
                                 groupedFilterType.getShape()));
      auto groupedResultType = RankedTensorType::get(
          {resultType.getDimSize(0), groups, perGroupOut,
           resultType.getDimSize(2), resultType.getDimSize(3)},
          element);
      Value groupedInit = expand(
          rewriter, loc, init, groupedResultType, {{0}, {1, 2}, {3}, {4}},
          {sizes[0], rewriter.getIndexAttr(groups),
           rewriter.getIndexAttr(perGroupOut), sizes[2], sizes[3]});
      Value grouped = linalg::Conv2DNgchwGfchwOp::create(
                          rewriter, loc, groupedResultType,
                          ValueRange{groupedInput, groupedFilter},
                          ValueRange{groupedInit}, strides, dilations)
                          .getResult(0);
      conv = collapse(rewriter, loc, grouped, {{0}, {1, 2}, {3}, {4}});
    }
    if (Value bias = adaptor.getBias())
      conv = addChannelBias(rewriter, loc, conv, bias);
    rewriter.replaceOp(op, conv);
    return success();
  }
};

template <typename OpTy> struct Pool2DLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool isMax = std::is_same_v<OpTy, MaxPool2DOp>;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type element = resultType.getElementType();
    ArrayRef<int64_t> kernel = op.getKernel();
    TypedAttr padValue = isMax ? extremeValue(element, /*lowest=*/true)
                               : rewriter.getZeroAttr(element);
    Value input =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(), padValue);
    auto strides = rewriter.getI64TensorAttr(op.getStrides());
    auto dilations = rewriter.getI64TensorAttr(op.getDilations());
    SmallVector<OpFoldResult> sizes = windowResultSizes(
        rewriter, loc, input, tensor::getMixedSize(rewriter, loc, input, 1),
        resultType, kernel, op.getStrides(), op.getDilations());
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, element);
    Value init = buildFilled(rewriter, loc, resultType, sizes, padValue);
    Value pooled;
    if constexpr (isMax) {
      pooled = linalg::PoolingNchwMaxOp::create(
                   rewriter, loc, resultType, ValueRange{input, window},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
    } else {
      pooled = linalg::PoolingNchwSumOp::create(
                   rewriter, loc, resultType, ValueRange{input, window},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
      pooled = divideByCount(rewriter, loc, op, adaptor.getInput(), pooled,
                             strides, dilations);
    }
    rewriter.replaceOp(op, pooled);
    return success();
  }

  /// Divides window sums by the number of elements each window averaged:
  /// the kernel area, or, when padding is excluded, the sum-pool of a
  /// padded tensor of ones.
  Value divideByCount(OpBuilder &b, Location loc, AvgPool2DOp op, Value input,
                      Value sums, Attribute strides,
                      Attribute dilations) const {
    RankedTensorType resultType = op.getType();
    Type element = resultType.getElementType();
    bool padded = llvm::any_of(op.getPads(), [](int64_t p) { return p; });
    auto divide = [](OpBuilder &nb, Location l, ValueRange a) {
      return arith::DivFOp::create(nb, l, a[0], a[1]).getResult();
    };
    if (op.getCountIncludePad() || !padded) {
      Value area = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(
              RankedTensorType::get({}, element),
              b.getFloatAttr(element, op.getKernel()[0] * op.getKernel()[1])
                  .getValue()));
      return buildElementwise(b, loc, {sums, area}, resultType, divide);
    }
    SmallVector<OpFoldResult> inputSizes = tensor::getMixedSizes(b, loc, input);
    RankedTensorType inputType = tensorType(input);
    auto onesType = RankedTensorType::get(
        {1, 1, inputType.getDimSize(2), inputType.getDimSize(3)}, element);
    Value ones = buildFilled(
        b, loc, onesType,
        {b.getIndexAttr(1), b.getIndexAttr(1), inputSizes[2], inputSizes[3]},
        b.getFloatAttr(element, 1.0));
    Value paddedOnes =
        padSpatial(b, loc, ones, op.getPads(), b.getZeroAttr(element));
    auto countType = RankedTensorType::get(
        {1, 1, resultType.getDimSize(2), resultType.getDimSize(3)}, element);
    SmallVector<OpFoldResult> countSizes =
        windowResultSizes(b, loc, paddedOnes, b.getIndexAttr(1), countType,
                          op.getKernel(), op.getStrides(), op.getDilations());
    countSizes[0] = b.getIndexAttr(1);
    Value window = tensor::EmptyOp::create(b, loc, op.getKernel(), element);
    Value counts = linalg::PoolingNchwSumOp::create(
                       b, loc, countType, ValueRange{paddedOnes, window},
                       ValueRange{zeroFilled(b, loc, countType, countSizes)},
                       strides, dilations)
                       .getResult(0);
    return buildElementwise(b, loc, {sums, counts}, resultType, divide);
  }
  Value divideByCount(OpBuilder &, Location, MaxPool2DOp, Value, Value sums,
                      Attribute, Attribute) const {
    return sums;
  }
};

} // namespace

void kiln::populateContractionLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, Conv2DLowering, Pool2DLowering<MaxPool2DOp>,
               Pool2DLowering<AvgPool2DOp>>(patterns.getContext());
}
