//===- SinkLayoutChanges.cpp - kiln-sink-layout-changes -------------------===//
//
// A window contraction (a convolution, see WindowContraction.h) computes its
// result channels-last in filter panels, [n, oh, ow, f / panel, panel], then
// collapses the panels and transposes back to NCHW. Between two
// convolutions both are undone by the next one reading its input across
// channels. This pass moves the transposes and the panel collapses down the
// graph, through the elementwise ops, pads, slices and concatenations
// (insert_slices) that separate convolutions, until they meet a consumer
// that reads them in place (a
// window contraction, whose input map absorbs a transpose; a collapse is a
// view) or one it cannot see through (a reshape, the function's result),
// where they stay. Activations between convolutions then stay in the
// convolutions' layout: epilogues have the shape of the convolution and
// fuse with it, pads and depthwise convolutions run along contiguous
// channels, and no kernel transposes.
//
//===----------------------------------------------------------------------===//
#include "passes/Kernel/Schedules.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNSINKLAYOUTCHANGES
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// `value` with its dimensions permuted as linalg.transpose does (result
/// dimension i is dimension `permutation[i]`). A fill of an empty tensor is
/// refilled in the new shape rather than transposed, and an init whose
/// value is unused is just a new empty tensor.
Value transpose(PatternRewriter &rewriter, Location loc, Value value,
                ArrayRef<int64_t> permutation, bool valueUnused = false) {
  SmallVector<OpFoldResult> sizes = applyPermutation(
      tensor::getMixedSizes(rewriter, loc, value), permutation);
  Value empty = tensor::EmptyOp::create(rewriter, loc, sizes,
                                        getElementTypeOrSelf(value.getType()));
  if (valueUnused || value.getDefiningOp<tensor::EmptyOp>())
    return empty;
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    if (fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
      return linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
          .getResult(0);
  return linalg::TransposeOp::create(rewriter, loc, value, empty, permutation)
      ->getResult(0);
}

/// `values` (one per dimension of a transpose's result) rearranged for the
/// dimensions of its input: entry permutation[i] of the result is entry i.
template <typename T>
SmallVector<T> toInputOrder(ArrayRef<T> values, ArrayRef<int64_t> permutation) {
  SmallVector<T> result(values.size());
  for (auto [i, dim] : llvm::enumerate(permutation))
    result[dim] = values[i];
  return result;
}

/// An elementwise op whose full-rank inputs are all transposes by the same
/// permutation runs in the layout of their inputs, and its result is
/// transposed instead:
///   g(transpose(x), b) -> transpose(g'(x, b')).
struct SinkTransposeThroughElementwise : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
        op.getNumParallelLoops() != op.getNumLoops() ||
        op.hasIndexSemantics() ||
        !op.getIndexingMapsArray().back().isIdentity())
      return failure();
    std::optional<SmallVector<int64_t>> permutation;
    for (OpOperand *input : op.getDpsInputOperands()) {
      if (!op.getMatchingIndexingMap(input).isIdentity())
        continue;
      auto transposeOp = input->get().getDefiningOp<linalg::TransposeOp>();
      if (!transposeOp ||
          (permutation && *permutation != transposeOp.getPermutation()))
        return failure();
      permutation = llvm::to_vector(transposeOp.getPermutation());
    }
    if (!permutation)
      return failure();

    // New loop i is old loop permutation^-1[i]: old loop k is new loop
    // permutation[k].
    MLIRContext *ctx = op.getContext();
    SmallVector<AffineExpr> oldLoops;
    for (int64_t dim : *permutation)
      oldLoops.push_back(getAffineDimExpr(dim, ctx));
    AffineMap oldFromNew = AffineMap::get(op.getNumLoops(), 0, oldLoops, ctx);
    Location loc = op.getLoc();
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      if (map.isIdentity()) {
        inputs.push_back(
            input->get().getDefiningOp<linalg::TransposeOp>().getInput());
        maps.push_back(map);
      } else {
        inputs.push_back(input->get());
        maps.push_back(map.compose(oldFromNew));
      }
    }
    maps.push_back(AffineMap::getMultiDimIdentityMap(op.getNumLoops(), ctx));
    SmallVector<int64_t> inverse = invertPermutationVector(*permutation);
    OpOperand *out = op.getDpsInitOperand(0);
    Value init =
        transpose(rewriter, loc, out->get(), inverse,
                  /*valueUnused=*/!op.payloadUsesValueFromOperand(out));
    auto sunk = linalg::GenericOp::create(rewriter, loc, init.getType(), inputs,
                                          ValueRange{init}, maps,
                                          op.getIteratorTypesArray());
    rewriter.inlineRegionBefore(op.getRegion(), sunk.getRegion(),
                                sunk.getRegion().end());
    rewriter.replaceOp(
        op, transpose(rewriter, loc, sunk.getResult(0), *permutation));
    return success();
  }
};

/// pad(transpose(x)) -> transpose(pad'(x)), for a pad by a constant.
struct SinkTransposeThroughPad : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    auto transposeOp = pad.getSource().getDefiningOp<linalg::TransposeOp>();
    Value padding = pad.getConstantPaddingValue();
    if (!transposeOp || !padding)
      return failure();
    ArrayRef<int64_t> permutation = transposeOp.getPermutation();
    SmallVector<OpFoldResult> low =
        toInputOrder<OpFoldResult>(pad.getMixedLowPad(), permutation);
    SmallVector<OpFoldResult> high =
        toInputOrder<OpFoldResult>(pad.getMixedHighPad(), permutation);
    auto padded = tensor::PadOp::create(rewriter, pad.getLoc(), Type(),
                                        transposeOp.getInput(), low, high,
                                        padding, pad.getNofold());
    rewriter.replaceOp(pad, transpose(rewriter, pad.getLoc(),
                                      padded.getResult(), permutation));
    return success();
  }
};

/// extract_slice(transpose(x)) -> transpose(extract_slice'(x)), for a slice
/// that keeps every dimension.
struct SinkTransposeThroughExtractSlice
    : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto transposeOp = slice.getSource().getDefiningOp<linalg::TransposeOp>();
    if (!transposeOp ||
        slice.getSourceType().getRank() != slice.getResultType().getRank())
      return failure();
    ArrayRef<int64_t> permutation = transposeOp.getPermutation();
    auto sliced = tensor::ExtractSliceOp::create(
        rewriter, slice.getLoc(), transposeOp.getInput(),
        toInputOrder<OpFoldResult>(slice.getMixedOffsets(), permutation),
        toInputOrder<OpFoldResult>(slice.getMixedSizes(), permutation),
        toInputOrder<OpFoldResult>(slice.getMixedStrides(), permutation));
    rewriter.replaceOp(slice, transpose(rewriter, slice.getLoc(),
                                        sliced.getResult(), permutation));
    return success();
  }
};

/// insert_slice(transpose(x), d) -> transpose(insert_slice'(x, d')), where
/// the destination d is empty or a transpose by the same permutation (d' its
/// input): a concatenation of convolutions' results (an inception block)
/// runs channels-last, and its transpose sinks on to the next convolution.
struct SinkTransposeThroughInsertSlice
    : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    // A rank-reducing insert of a collapse that drops unit dimensions
    // (batch 1, after linalg-fold-unit-extent-dims) inserts the uncollapsed
    // tensor.
    Value source = insert.getSource();
    if (auto collapse = source.getDefiningOp<tensor::CollapseShapeOp>())
      if (collapse.getSrcType().hasStaticShape() &&
          collapse.getSrcType().getShape() == insert.getStaticSizes())
        source = collapse.getSrc();
    auto transposeOp = source.getDefiningOp<linalg::TransposeOp>();
    if (!transposeOp || cast<RankedTensorType>(source.getType()).getRank() !=
                            insert.getDestType().getRank())
      return failure();
    ArrayRef<int64_t> permutation = transposeOp.getPermutation();
    Value dest = insert.getDest();
    auto destTranspose = dest.getDefiningOp<linalg::TransposeOp>();
    if (destTranspose && destTranspose.getPermutation() == permutation)
      dest = destTranspose.getInput();
    else if (dest.getDefiningOp<tensor::EmptyOp>())
      dest = transpose(rewriter, insert.getLoc(), dest,
                       invertPermutationVector(permutation));
    else
      return failure();
    auto inserted = tensor::InsertSliceOp::create(
        rewriter, insert.getLoc(), transposeOp.getInput(), dest,
        toInputOrder<OpFoldResult>(insert.getMixedOffsets(), permutation),
        toInputOrder<OpFoldResult>(insert.getMixedSizes(), permutation),
        toInputOrder<OpFoldResult>(insert.getMixedStrides(), permutation));
    rewriter.replaceOp(insert, transpose(rewriter, insert.getLoc(),
                                         inserted.getResult(), permutation));
    return success();
  }
};

/// A window contraction reads a transposed input in place: its input map
/// absorbs the permutation.
struct FoldTransposeIntoWindowContraction
    : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(kiln::matchWindowContraction(op)))
      return failure();
    OpOperand *window = op.getDpsInputOperand(0);
    auto transposeOp = window->get().getDefiningOp<linalg::TransposeOp>();
    if (!transposeOp)
      return failure();
    AffineMap map = op.getMatchingIndexingMap(window);
    SmallVector<AffineExpr> results = toInputOrder<AffineExpr>(
        map.getResults(), transposeOp.getPermutation());
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    maps[0] = AffineMap::get(map.getNumDims(), 0, results, op.getContext());
    rewriter.modifyOpInPlace(op, [&] {
      op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      window->set(transposeOp.getInput());
    });
    return success();
  }
};

/// Whether `collapse` merges the filter panels of a window contraction's
/// result, [n, h, w, (g,) fo, fi] -> [n, h, w, f].
bool isPanelCollapse(tensor::CollapseShapeOp collapse) {
  SmallVector<ReassociationIndices> groups = collapse.getReassociationIndices();
  int64_t rank = collapse.getSrcType().getRank();
  return (rank == 5 || rank == 6) && groups.size() == 4 &&
         (int64_t)groups.back().size() == rank - 3;
}

/// pad(collapse(x)) -> collapse(pad'(x)), for a panel collapse and a pad by
/// a constant of the other dimensions.
struct SinkCollapseThroughPad : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    auto collapse = pad.getSource().getDefiningOp<tensor::CollapseShapeOp>();
    Value padding = pad.getConstantPaddingValue();
    if (!collapse || !isPanelCollapse(collapse) || !padding ||
        !isZeroInteger(pad.getMixedLowPad().back()) ||
        !isZeroInteger(pad.getMixedHighPad().back()))
      return failure();
    SmallVector<OpFoldResult> low(pad.getMixedLowPad());
    SmallVector<OpFoldResult> high(pad.getMixedHighPad());
    int64_t panelDims = collapse.getReassociationIndices().back().size();
    low.append(panelDims - 1, rewriter.getIndexAttr(0));
    high.append(panelDims - 1, rewriter.getIndexAttr(0));
    auto padded =
        tensor::PadOp::create(rewriter, pad.getLoc(), Type(), collapse.getSrc(),
                              low, high, padding, pad.getNofold());
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        pad, padded.getResult(), collapse.getReassociationIndices());
    return success();
  }
};

/// extract_slice(collapse(x)) -> collapse(extract_slice'(x)), for a panel
/// collapse and a slice that keeps every dimension and the panels whole.
struct SinkCollapseThroughExtractSlice
    : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto collapse = slice.getSource().getDefiningOp<tensor::CollapseShapeOp>();
    RankedTensorType sourceType = slice.getSourceType();
    if (!collapse || !isPanelCollapse(collapse) ||
        sourceType.getRank() != slice.getResultType().getRank() ||
        !isZeroInteger(slice.getMixedOffsets().back()) ||
        !isOneInteger(slice.getMixedStrides().back()) ||
        slice.getResultType().getShape().back() !=
            sourceType.getShape().back() ||
        sourceType.isDynamicDim(sourceType.getRank() - 1))
      return failure();
    ArrayRef<int64_t> panels = collapse.getSrcType().getShape().drop_front(3);
    SmallVector<OpFoldResult> offsets(slice.getMixedOffsets());
    SmallVector<OpFoldResult> sizes(slice.getMixedSizes());
    SmallVector<OpFoldResult> strides(slice.getMixedStrides());
    sizes.pop_back();
    offsets.append(panels.size() - 1, rewriter.getIndexAttr(0));
    for (int64_t size : panels)
      sizes.push_back(rewriter.getIndexAttr(size));
    strides.append(panels.size() - 1, rewriter.getIndexAttr(1));
    auto sliced = tensor::ExtractSliceOp::create(
        rewriter, slice.getLoc(), collapse.getSrc(), offsets, sizes, strides);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        slice, sliced.getResult(), collapse.getReassociationIndices());
    return success();
  }
};

struct KilnSinkLayoutChangesPass
    : kiln::impl::KilnSinkLayoutChangesBase<KilnSinkLayoutChangesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns
        .add<SinkTransposeThroughElementwise, SinkTransposeThroughPad,
             SinkTransposeThroughExtractSlice, SinkTransposeThroughInsertSlice,
             FoldTransposeIntoWindowContraction, SinkCollapseThroughPad,
             SinkCollapseThroughExtractSlice>(&getContext());
    // An elementwise op reading a panel collapse runs on the panels, its
    // result collapsed instead. Not a transpose: it sinks itself, and
    // expanded it would leave a collapse between it and its consumers.
    linalg::populateFoldReshapeOpsByExpansionPatterns(
        patterns, [](OpOperand *operand) {
          auto collapse =
              operand->get().getDefiningOp<tensor::CollapseShapeOp>();
          return collapse && isPanelCollapse(collapse) &&
                 isa<linalg::GenericOp>(operand->getOwner());
        });
    // An empty tensor reshaped is an empty tensor of the new shape, which
    // eliminate-empty-tensors can later replace.
    tensor::populateFoldTensorEmptyPatterns(patterns);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, &getContext());
    linalg::TransposeOp::getCanonicalizationPatterns(patterns, &getContext());
    // Every rewrite leaves valid IR: not converging is no error.
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
