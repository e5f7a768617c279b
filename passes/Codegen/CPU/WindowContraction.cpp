//===- WindowContraction.cpp - convolutions along their filters -----------===//
#include "passes/Codegen/CPU/WindowContraction.h"
#include "passes/Codegen/CPU/TilingUtils.h"
#include "passes/Kernel/Schedules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace {

/// Filters per panel: two vectors, else one, else half of one (24 filters
/// on AVX-512: three panels of 8); 0 when `filters` is not a multiple of
/// half a vector.
int64_t panelWidth(int64_t filters, int64_t vectorWidth) {
  if (filters % vectorWidth == 0)
    return filters % (2 * vectorWidth) ? vectorWidth : 2 * vectorWidth;
  return filters % (vectorWidth / 2) ? 0 : vectorWidth / 2;
}

/// Whether the convolution's `input`, `filter` and `init` are f32 with
/// static shapes but for the batch, which may be dynamic when `init` is a
/// fill (refilled in the panel layout, not reshaped).
bool hasWindowTypes(Value input, Value filter, Value init) {
  auto staticButBatch = [](Value value) {
    auto type = cast<ShapedType>(value.getType());
    return type.getElementType().isF32() &&
           llvm::none_of(type.getShape().drop_front(), ShapedType::isDynamic);
  };
  bool dynamicBatch = cast<ShapedType>(init.getType()).isDynamicDim(0);
  return staticButBatch(input) && staticButBatch(init) &&
         cast<ShapedType>(filter.getType()).hasStaticShape() &&
         cast<ShapedType>(filter.getType()).getElementType().isF32() &&
         (!dynamicBatch || init.getDefiningOp<linalg::FillOp>());
}

/// The window contraction of an NCHW `input` with `panels` into `init` (in
/// the result's panel layout), strides and dilations of `conv`. Ungrouped
/// (panels [fo, kh, kw, c, fi], init [n, oh, ow, fo, fi]), its loops are
/// (n, oh, ow, fo, fi, kh, kw, c); grouped (panels [g, fo, kh, kw, c, fi],
/// init [n, oh, ow, g, fo, fi]) they are (n, g, oh, ow, fo, fi, kh, kw, c),
/// the window reading channel g * C' + c: groups outermost, so that a
/// group's filter panel serves all its rows.
linalg::GenericOp buildWindowContraction(RewriterBase &rewriter,
                                         linalg::LinalgOp conv, Value input,
                                         Value panels, Value init,
                                         bool grouped) {
  SmallVector<int64_t> strides, dilations;
  for (APInt v : conv->getAttrOfType<DenseIntElementsAttr>("strides"))
    strides.push_back(v.getSExtValue());
  for (APInt v : conv->getAttrOfType<DenseIntElementsAttr>("dilations"))
    dilations.push_back(v.getSExtValue());
  MLIRContext *ctx = rewriter.getContext();
  unsigned numLoops = grouped ? 9 : 8;
  SmallVector<AffineExpr> d;
  for (unsigned i = 0; i < numLoops; ++i)
    d.push_back(getAffineDimExpr(i, ctx));
  AffineExpr n = d[0], g = d[1];
  ArrayRef<AffineExpr> rest = ArrayRef(d).drop_front(grouped ? 2 : 1);
  AffineExpr oh = rest[0], ow = rest[1], fo = rest[2], fi = rest[3],
             kh = rest[4], kw = rest[5], c = rest[6];
  AffineExpr channel = c;
  SmallVector<AffineExpr> filterIndex = {fo, kh, kw, c, fi};
  SmallVector<AffineExpr> outIndex = {n, oh, ow, fo, fi};
  if (grouped) {
    int64_t groupChannels = cast<ShapedType>(panels.getType()).getDimSize(4);
    channel = g * groupChannels + c;
    filterIndex.insert(filterIndex.begin(), g);
    outIndex.insert(outIndex.begin() + 3, g);
  }
  SmallVector<AffineMap> maps = {
      AffineMap::get(numLoops, 0,
                     {n, channel, oh * strides[0] + kh * dilations[0],
                      ow * strides[1] + kw * dilations[1]},
                     ctx),
      AffineMap::get(numLoops, 0, filterIndex, ctx),
      AffineMap::get(numLoops, 0, outIndex, ctx)};
  SmallVector<utils::IteratorType> iterators(numLoops - 3,
                                             utils::IteratorType::parallel);
  iterators.append(3, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
      rewriter, conv.getLoc(), init.getType(), ValueRange{input, panels},
      ValueRange{init}, maps, iterators,
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
        linalg::YieldOp::create(
            b, loc,
            arith::AddFOp::create(b, loc, args[2], product).getResult());
      });
}

/// `init` [n, f, oh, ow] of a convolution laid out as the window
/// contraction's accumulator, `panelShape` = [n, oh, ow, (groups,) fo, fi]:
/// a fill (of any shape) is refilled in that shape, other values reshaped
/// and transposed.
Value panelAccumulator(RewriterBase &rewriter, Location loc, Value init,
                       ArrayRef<int64_t> panelShape) {
  Type element = cast<ShapedType>(init.getType()).getElementType();
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    SmallVector<OpFoldResult> sizes =
        getAsIndexOpFoldResult(rewriter.getContext(), panelShape);
    sizes[0] = tensor::getMixedSize(rewriter, loc, init, 0);
    Value empty = tensor::EmptyOp::create(rewriter, loc, sizes, element);
    return linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
        .getResult(0);
  }
  // [n, f, oh, ow] -> [n, (groups,) fo, fi, oh, ow] -> panelShape.
  ArrayRef<int64_t> filterDims = panelShape.drop_front(3);
  SmallVector<int64_t> split = {panelShape[0]};
  split.append(filterDims.begin(), filterDims.end());
  split.append({panelShape[1], panelShape[2]});
  SmallVector<ReassociationIndices> groups = {{0}, {}, {}, {}};
  for (size_t i = 0; i < filterDims.size(); ++i)
    groups[1].push_back(1 + i);
  groups[2] = {(int64_t)filterDims.size() + 1};
  groups[3] = {(int64_t)filterDims.size() + 2};
  Value expanded = tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(split, element), init, groups);
  SmallVector<int64_t> permutation = {0, (int64_t)split.size() - 2,
                                      (int64_t)split.size() - 1};
  for (size_t i = 0; i < filterDims.size(); ++i)
    permutation.push_back(1 + i);
  return kiln::permute(rewriter, loc, expanded, permutation);
}

/// The window contraction's result [n, oh, ow, (groups,) fo, fi] as NCHW.
Value panelsToNCHW(RewriterBase &rewriter, Location loc, Value result) {
  int64_t rank = cast<ShapedType>(result.getType()).getRank();
  ReassociationIndices filters;
  for (int64_t i = 3; i < rank; ++i)
    filters.push_back(i);
  Value nhwc = tensor::CollapseShapeOp::create(
      rewriter, loc, result,
      SmallVector<ReassociationIndices>{{0}, {1}, {2}, filters});
  return kiln::permute(rewriter, loc, nhwc, {0, 3, 1, 2});
}

/// The grouped filter [G, F', C', KH, KW] as [G / B, B * F', B * C', KH,
/// KW]: each block of `B` groups one group of a block-diagonal filter
/// (zeros where a filter of one group meets a channel of another).
DenseElementsAttr blockGroups(DenseElementsAttr filter, int64_t blocks) {
  auto type = cast<ShapedType>(filter.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t groups = shape[0], filters = shape[1], channels = shape[2],
          taps = shape[3] * shape[4];
  SmallVector<float> values(filter.getValues<float>());
  SmallVector<float> blocked(groups * blocks * filters * channels * taps, 0.f);
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t f = 0; f < filters; ++f)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t t = 0; t < taps; ++t) {
          int64_t block = g / blocks, inBlock = g % blocks;
          int64_t blockedFilter = inBlock * filters + f;
          int64_t blockedChannel = inBlock * channels + c;
          blocked[((block * blocks * filters + blockedFilter) * blocks *
                       channels +
                   blockedChannel) *
                      taps +
                  t] = values[((g * filters + f) * channels + c) * taps + t];
        }
  auto blockedType =
      RankedTensorType::get({groups / blocks, blocks * filters,
                             blocks * channels, shape[3], shape[4]},
                            type.getElementType());
  return DenseElementsAttr::get(blockedType, ArrayRef<float>(blocked));
}

} // namespace

FailureOr<linalg::GenericOp>
kiln::rewriteAsWindowContraction(RewriterBase &rewriter,
                                 linalg::Conv2DNchwFchwOp conv,
                                 int64_t vectorWidth) {
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1];
  Value init = conv.getOutputs()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  if (!conv.hasPureTensorSemantics() || !hasWindowTypes(input, filter, init))
    return failure();
  int64_t filters = outType.getDimSize(1);
  int64_t panel = panelWidth(filters, vectorWidth);
  if (!panel)
    return failure();

  Location loc = conv.getLoc();
  rewriter.setInsertionPoint(conv);
  // filter[f, c, kh, kw] -> panels[f / panel, kh, kw, c, panel]: a register
  // tile streams one panel contiguously. out[n, f, oh, ow] ->
  // outP[n, oh, ow, f / panel, panel].
  Value panels =
      permute(rewriter, loc, splitDim(rewriter, loc, filter, 0, panel),
              {0, 3, 4, 2, 1});
  Value panelInit =
      panelAccumulator(rewriter, loc, init,
                       {outType.getDimSize(0), outType.getDimSize(2),
                        outType.getDimSize(3), filters / panel, panel});
  linalg::GenericOp contraction = buildWindowContraction(
      rewriter, conv, input, panels, panelInit, /*grouped=*/false);
  rewriter.replaceOp(conv,
                     panelsToNCHW(rewriter, loc, contraction.getResult(0)));
  return contraction;
}

FailureOr<linalg::GenericOp>
kiln::rewriteAsWindowContraction(RewriterBase &rewriter,
                                 linalg::Conv2DNgchwGfchwOp conv,
                                 int64_t vectorWidth) {
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1];
  Value init = conv.getOutputs()[0];
  if (!conv.hasPureTensorSemantics() || !hasWindowTypes(input, filter, init))
    return failure();
  // [G, F', C', KH, KW]
  ArrayRef<int64_t> filterShape = cast<ShapedType>(filter.getType()).getShape();
  int64_t groups = filterShape[0], filters = filterShape[1];
  // Groups with fewer filters than half a vector are convolved in blocks
  // of 2 or 4, as one group with a block-diagonal filter laid out at
  // compile time: 2 or 4 times the multiply-adds, at full vector width.
  int64_t blocks = 1;
  DenseElementsAttr constant;
  if (!panelWidth(filters, vectorWidth)) {
    blocks = 0;
    if (matchPattern(filter, m_Constant(&constant)))
      for (int64_t b : {2, 4})
        if (groups % b == 0 && panelWidth(b * filters, vectorWidth)) {
          blocks = b;
          break;
        }
    if (!blocks)
      return failure();
  }

  Location loc = conv.getLoc();
  rewriter.setInsertionPoint(conv);
  if (blocks > 1)
    filter =
        arith::ConstantOp::create(rewriter, loc, blockGroups(constant, blocks));
  groups /= blocks;
  filters *= blocks;
  int64_t panel = panelWidth(filters, vectorWidth);
  // filter[g, f, c, kh, kw] -> panels[g, f / panel, kh, kw, c, panel].
  Value panels =
      permute(rewriter, loc, splitDim(rewriter, loc, filter, 1, panel),
              {0, 1, 4, 5, 3, 2});
  SmallVector<ReassociationIndices> channelGroups = {{0}, {1, 2}, {3}, {4}};
  Value input4d =
      tensor::CollapseShapeOp::create(rewriter, loc, input, channelGroups);
  // A fill is refilled in the panel layout whatever its shape.
  Value init4d =
      init.getDefiningOp<linalg::FillOp>()
          ? init
          : tensor::CollapseShapeOp::create(rewriter, loc, init, channelGroups);
  ArrayRef<int64_t> outShape =
      cast<ShapedType>(conv.getResultTypes()[0]).getShape();
  Value panelInit = panelAccumulator(
      rewriter, loc, init4d,
      {outShape[0], outShape[3], outShape[4], groups, filters / panel, panel});
  linalg::GenericOp contraction = buildWindowContraction(
      rewriter, conv, input4d, panels, panelInit, /*grouped=*/true);
  Value nchw = panelsToNCHW(rewriter, loc, contraction.getResult(0));
  rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
      conv, conv.getResultTypes()[0], nchw, channelGroups);
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
