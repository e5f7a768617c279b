//===- LoweringUtils.cpp - Helpers for kiln-to-linalg patterns ------------===//
#include "passes/Conversion/KilnToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/APSInt.h"

using namespace mlir;

SmallVector<OpFoldResult>
kiln::broadcastResultSizes(OpBuilder &b, Location loc, ValueRange inputs,
                           RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (!resultType.isDynamicDim(d)) {
      sizes.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      continue;
    }
    Value source;
    int64_t sourceDim = 0;
    for (Value input : inputs) {
      auto type = cast<RankedTensorType>(input.getType());
      int64_t inputDim = d - (rank - type.getRank());
      if (inputDim >= 0 && type.getDimSize(inputDim) != 1) {
        source = input;
        sourceDim = inputDim;
        break;
      }
    }
    assert(source && "a dynamic result dimension has a dynamic source");
    sizes.push_back(
        tensor::DimOp::create(b, loc, source, sourceDim).getResult());
  }
  return sizes;
}

Value kiln::buildEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                       ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dynamic;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, sizes[d]));
  return tensor::EmptyOp::create(b, loc, type, dynamic);
}

Value kiln::buildFilled(OpBuilder &b, Location loc, RankedTensorType type,
                        ArrayRef<OpFoldResult> sizes, TypedAttr value) {
  Value empty = buildEmpty(b, loc, type, sizes);
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

Value kiln::buildElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                             RankedTensorType resultType,
                             ScalarBodyBuilder body,
                             ArrayRef<OpFoldResult> sizes) {
  int64_t rank = resultType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      int64_t resultDim = d + rank - type.getRank();
      bool broadcast =
          type.getDimSize(d) == 1 && resultType.getDimSize(resultDim) != 1;
      exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                                : getAffineDimExpr(resultDim, ctx));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  Value init = buildEmpty(b, loc, resultType,
                          sizes.empty()
                              ? broadcastResultSizes(b, loc, inputs, resultType)
                              : SmallVector<OpFoldResult>(sizes));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value kiln::buildProduct(OpBuilder &b, Location loc,
                         ArrayRef<OpFoldResult> sizes) {
  Value product = arith::ConstantIndexOp::create(b, loc, 1);
  for (OpFoldResult size : sizes)
    product = arith::MulIOp::create(
        b, loc, product, getValueOrCreateConstantIndexOp(b, loc, size));
  return product;
}

namespace {
/// The shape two shapes both split into: each of their sizes is the product
/// of a group of consecutive sizes of it.
struct CommonRefinement {
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> fromGroups, toGroups;
};
} // namespace

/// The common refinement of `from` and `to`, if both are static without
/// unit sizes and one exists ([6, 4] and [4, 6] have none).
static std::optional<CommonRefinement> commonRefinement(ArrayRef<int64_t> from,
                                                        ArrayRef<int64_t> to) {
  auto plain = [](int64_t size) {
    return !ShapedType::isDynamic(size) && size > 1;
  };
  if (from.empty() || to.empty() || !llvm::all_of(from, plain) ||
      !llvm::all_of(to, plain))
    return std::nullopt;
  CommonRefinement common;
  common.fromGroups.resize(from.size());
  common.toGroups.resize(to.size());
  size_t i = 0, j = 0;
  int64_t left = from[0], right = to[0];
  while (i < from.size() && j < to.size()) {
    int64_t size = std::min(left, right);
    if (left % size || right % size)
      return std::nullopt;
    common.fromGroups[i].push_back(common.shape.size());
    common.toGroups[j].push_back(common.shape.size());
    common.shape.push_back(size);
    left /= size;
    right /= size;
    if (left == 1 && ++i < from.size())
      left = from[i];
    if (right == 1 && ++j < to.size())
      right = to[j];
  }
  if (i != from.size() || j != to.size())
    return std::nullopt;
  return common;
}

Value kiln::buildReshape(OpBuilder &b, Location loc, Value input,
                         RankedTensorType resultType,
                         ArrayRef<OpFoldResult> sizes) {
  auto inputType = cast<RankedTensorType>(input.getType());
  if (inputType == resultType && inputType.hasStaticShape())
    return input;
  // An expand_shape group with more than one dynamic size is valid on
  // tensors, but expand-strided-metadata crashes on its memref form: such
  // results take a tensor.reshape with the sizes spelled out instead.
  if (resultType.getNumDynamicDims() > 1) {
    SmallVector<Value> dims;
    for (OpFoldResult size : sizes)
      dims.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
    Value shape = tensor::FromElementsOp::create(b, loc, dims);
    return tensor::ReshapeOp::create(b, loc, resultType, input, shape);
  }
  // Through the shape both split into, where there is one: [128, 8, 256]
  // -> [128, 8, 8, 32] -> [128, 64, 32] keeps a slice of a wider tensor a
  // strided view up to the collapse, which a consumer can then fold; a
  // collapse of it to 1-D was a copy.
  if (std::optional<CommonRefinement> common =
          commonRefinement(inputType.getShape(), resultType.getShape())) {
    Value refined = input;
    auto refinedType = resultType.clone(common->shape);
    if (refinedType != inputType)
      refined = tensor::ExpandShapeOp::create(b, loc, refinedType, input,
                                              common->fromGroups);
    if (refinedType == resultType)
      return refined;
    return tensor::CollapseShapeOp::create(b, loc, resultType, refined,
                                           common->toGroups);
  }
  // Collapse to 1-D (or start from a 0-D tensor as-is).
  Value flat = input;
  int64_t count = resultType.hasStaticShape()  ? resultType.getNumElements()
                  : inputType.hasStaticShape() ? inputType.getNumElements()
                                               : ShapedType::kDynamic;
  auto flatType = RankedTensorType::get({count}, inputType.getElementType());
  if (inputType.getRank() == 0) {
    flat = tensor::ExpandShapeOp::create(
        b, loc, flatType, input, ArrayRef<ReassociationIndices>{},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  } else if (inputType.getRank() != 1 || inputType != flatType) {
    ReassociationIndices all;
    for (int64_t d = 0; d < inputType.getRank(); ++d)
      all.push_back(d);
    auto collapsed = tensor::CollapseShapeOp::create(
        b, loc, input, ArrayRef<ReassociationIndices>{all});
    flat = collapsed.getResult();
    if (flat.getType() != flatType)
      flat = tensor::CastOp::create(b, loc, flatType, flat);
  }
  if (resultType.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat,
                                           ArrayRef<ReassociationIndices>{});
  ReassociationIndices all;
  for (int64_t d = 0; d < resultType.getRank(); ++d)
    all.push_back(d);
  if (resultType.getRank() == 1 && flatType == resultType)
    return flat;
  return tensor::ExpandShapeOp::create(
      b, loc, resultType, flat, ArrayRef<ReassociationIndices>{all}, sizes);
}

Value kiln::buildScalarConstant(OpBuilder &b, Location loc, Type type,
                                double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  // A value out of the integer type's range saturates (a clip bound of -1000
  // on i8 is -128) rather than wrapping; for i1, non-zero is true.
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return arith::ConstantOp::create(b, loc,
                                     b.getIntegerAttr(type, value != 0));
  llvm::APSInt integer(width, /*isUnsigned=*/false);
  bool isExact;
  (void)llvm::APFloat(value).convertToInteger(
      integer, llvm::APFloat::rmTowardZero, &isExact);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, integer));
}

TypedAttr kiln::extremeValue(Type element, bool lowest) {
  if (auto floatType = dyn_cast<FloatType>(element))
    return FloatAttr::get(
        floatType, APFloat::getInf(floatType.getFloatSemantics(), lowest));
  unsigned width = element.getIntOrFloatBitWidth();
  // i1 is a boolean, false < true (as a signed number true is -1).
  if (width == 1)
    return IntegerAttr::get(element, lowest ? 0 : 1);
  return IntegerAttr::get(element, lowest ? APInt::getSignedMinValue(width)
                                          : APInt::getSignedMaxValue(width));
}
