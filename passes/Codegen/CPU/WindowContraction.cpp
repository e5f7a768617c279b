//===- WindowContraction.cpp - convolutions along their filters -----------===//
#include "passes/Codegen/CPU/WindowContraction.h"
#include "passes/Codegen/CPU/TilingUtils.h"
#include "passes/Kernel/Schedules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;

FailureOr<linalg::GenericOp>
kiln::rewriteAsWindowContraction(RewriterBase &rewriter,
                                 linalg::Conv2DNchwFchwOp conv,
                                 int64_t vectorWidth) {
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1];
  Value init = conv.getOutputs()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  if (!conv.hasPureTensorSemantics() ||
      llvm::any_of(ValueRange{input, filter, init},
                   [](Value v) {
                     auto type = cast<ShapedType>(v.getType());
                     return !type.hasStaticShape() ||
                            !type.getElementType().isF32();
                   }) ||
      outType.getDimSize(1) % (vectorWidth / 2))
    return failure();
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  int64_t filters = outType.getDimSize(1);
  // Panels of two vectors, else one, else half of one (24 filters on
  // AVX-512: three panels of 8).
  int64_t panel = vectorWidth / 2;
  if (filters % vectorWidth == 0)
    panel = filters % (2 * vectorWidth) ? vectorWidth : 2 * vectorWidth;

  Location loc = conv.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  rewriter.setInsertionPoint(conv);
  // filter[f, c, kh, kw] -> panels[f / panel, kh, kw, c, panel]: a register
  // tile streams one panel contiguously. out[n, f, oh, ow] ->
  // outP[n, oh, ow, f / panel, panel].
  Value panels =
      permute(rewriter, loc, splitDim(rewriter, loc, filter, 0, panel),
              {0, 3, 4, 2, 1});
  Value panelInit;
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    Value empty = tensor::EmptyOp::create(
        rewriter, loc,
        ArrayRef<int64_t>{outType.getDimSize(0), outType.getDimSize(2),
                          outType.getDimSize(3), filters / panel, panel},
        outType.getElementType());
    panelInit =
        linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
            .getResult(0);
  } else {
    panelInit = permute(rewriter, loc, splitDim(rewriter, loc, init, 1, panel),
                        {0, 3, 4, 1, 2});
  }
  AffineExpr n, oh, ow, fo, fi, kh, kw, c;
  bindDims(ctx, n, oh, ow, fo, fi, kh, kw, c);
  SmallVector<AffineMap> maps = {
      AffineMap::get(8, 0,
                     {n, c, oh * strides[0] + kh * dilations[0],
                      ow * strides[1] + kw * dilations[1]},
                     ctx),
      AffineMap::get(8, 0, {fo, kh, kw, c, fi}, ctx),
      AffineMap::get(8, 0, {n, oh, ow, fo, fi}, ctx)};
  SmallVector<utils::IteratorType> iterators(5, utils::IteratorType::parallel);
  iterators.append(3, utils::IteratorType::reduction);
  auto contraction = linalg::GenericOp::create(
      rewriter, loc, panelInit.getType(), ValueRange{input, panels},
      ValueRange{panelInit}, maps, iterators,
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
        linalg::YieldOp::create(
            b, loc,
            arith::AddFOp::create(b, loc, args[2], product).getResult());
      });
  Value nhwc = tensor::CollapseShapeOp::create(
      rewriter, loc, contraction.getResult(0),
      SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  rewriter.replaceOp(conv, permute(rewriter, loc, nhwc, {0, 3, 1, 2}));
  return contraction;
}

FailureOr<linalg::GenericOp> kiln::contractWindowTile(RewriterBase &rewriter,
                                                      linalg::GenericOp tile,
                                                      unsigned channelLoop) {
  SmallVector<int64_t> ranges = tile.getStaticLoopRanges();
  if (!tile.hasPureTensorSemantics() || tile.getNumDpsInits() != 1 ||
      llvm::any_of(ranges, ShapedType::isDynamic))
    return failure();
  // The loops kept, renumbered.
  SmallVector<std::optional<unsigned>> kept(ranges.size());
  SmallVector<utils::IteratorType> iterators;
  for (auto [i, range] : llvm::enumerate(ranges))
    if (range > 1 || i == channelLoop) {
      kept[i] = iterators.size();
      iterators.push_back(tile.getIteratorTypesArray()[i]);
    }

  // Each operand's slice over the kept loops: a window index with one kept
  // loop `d * s + (unit loops)` is a stride-s view along d; an index with
  // none is a unit dimension, dropped.
  Location loc = tile.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  rewriter.setInsertionPoint(tile);
  SmallVector<Value> slices;
  SmallVector<AffineMap> maps;
  SmallVector<OpFoldResult> initSizes;
  for (OpOperand &operand : tile->getOpOperands()) {
    auto type = cast<RankedTensorType>(operand.get().getType());
    SmallVector<OpFoldResult> sizes, strides;
    SmallVector<int64_t> sliceShape;
    SmallVector<AffineExpr> results;
    for (AffineExpr result :
         tile.getMatchingIndexingMap(&operand).getResults()) {
      SmallVector<std::pair<unsigned, int64_t>> terms, keptTerms;
      if (!getLinearTerms(result, terms))
        return failure();
      for (auto term : terms)
        if (kept[term.first])
          keptTerms.push_back(term);
      if (keptTerms.size() > 1)
        return failure();
      int64_t size = 1, stride = 1;
      if (!keptTerms.empty()) {
        auto [dim, coefficient] = keptTerms.front();
        size = ranges[dim];
        stride = coefficient;
        sliceShape.push_back(size);
        results.push_back(getAffineDimExpr(*kept[dim], ctx));
      }
      sizes.push_back(rewriter.getIndexAttr(size));
      strides.push_back(rewriter.getIndexAttr(stride));
    }
    SmallVector<OpFoldResult> zeros(type.getRank(), rewriter.getIndexAttr(0));
    slices.push_back(tensor::ExtractSliceOp::create(
        rewriter, loc, RankedTensorType::get(sliceShape, type.getElementType()),
        operand.get(), zeros, sizes, strides));
    maps.push_back(AffineMap::get(iterators.size(), 0, results, ctx));
    initSizes = sizes;
  }

  Value init = slices.pop_back_val();
  auto contraction = linalg::GenericOp::create(
      rewriter, loc, init.getType(), slices, ValueRange{init}, maps, iterators);
  rewriter.cloneRegionBefore(tile.getRegion(), contraction.getRegion(),
                             contraction.getRegion().end());
  Value whole = tile.getDpsInits()[0];
  int64_t rank = cast<RankedTensorType>(whole.getType()).getRank();
  rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
      tile, contraction.getResult(0), whole,
      SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(0)), initSizes,
      SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(1)));
  return contraction;
}
