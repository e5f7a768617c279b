//===- TileAndVectorize.cpp - kiln-tile-and-vectorize ---------------------===//
//
// The CPU codegen strategy for now: every linalg op is tiled so that each
// tile is a full vector along its innermost parallel dimension (tile sizes
// divide the static loop extents, so no masking is needed), then vectorized.
// Contractions get a small register block (rows x vector columns, k = 1).
// 2-D convolutions first become an im2col and a contraction.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNTILEANDVECTORIZE
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// The largest power of two <= `limit` that divides `extent`; 1 for dynamic
/// extents.
int64_t dividingTile(int64_t extent, int64_t limit) {
  if (ShapedType::isDynamic(extent))
    return 1;
  for (int64_t t = limit; t > 1; t /= 2)
    if (extent % t == 0)
      return t;
  return 1;
}

/// Whether an indexing map of `op` uses floordiv, mod or ceildiv (as the
/// im2col of a convolution does): tiling takes each operand's slice as the
/// bounding box of the tile's indices, which such maps do not respect.
bool hasNonLinearIndexing(linalg::LinalgOp op) {
  bool nonLinear = false;
  for (AffineMap map : op.getIndexingMapsArray())
    for (AffineExpr result : map.getResults())
      result.walk([&](AffineExpr e) {
        nonLinear |= e.getKind() == AffineExprKind::Mod ||
                     e.getKind() == AffineExprKind::FloorDiv ||
                     e.getKind() == AffineExprKind::CeilDiv;
      });
  return nonLinear;
}

/// Elements a reduction tile may hold before the reduction is tiled too.
constexpr int64_t kMaxReductionTile = 256;

/// Tile sizes for `op` (0 = not tiled), or std::nullopt to leave it alone.
std::optional<SmallVector<int64_t>> chooseTileSizes(linalg::LinalgOp op,
                                                    int64_t vectorWidth) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t loops = ranges.size();
  if (loops == 0 || hasNonLinearIndexing(op) || llvm::is_contained(ranges, 0))
    return std::nullopt;
  // LLVM keeps a vector of i1 in memory as packed bits, but an i1 tensor has
  // a byte per element: ops that read or write one stay scalar.
  for (OpOperand &operand : op->getOpOperands())
    if (getElementTypeOrSelf(operand.get().getType()).isInteger(1))
      return std::nullopt;
  SmallVector<int64_t> tiles(loops, 1);

  if (linalg::isaContractionOpInterface(op)) {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    // Several m or n dimensions (the NCHW im2col contraction has the image
    // batch among its n dimensions): the register block takes the innermost
    // of each, the others are tiled by 1.
    if (succeeded(dims) && !dims->m.empty() && !dims->n.empty()) {
      unsigned m = *llvm::max_element(dims->m);
      unsigned n = *llvm::max_element(dims->n);
      tiles[m] = dividingTile(ranges[m], 8);
      tiles[n] = dividingTile(ranges[n], 2 * vectorWidth);
      return tiles;
    }
  }

  // Innermost parallel loop: a vector; reductions: whole if small.
  int64_t innermostParallel = -1;
  int64_t reductionElements = 1;
  for (int64_t i = 0; i < loops; ++i) {
    if (iterators[i] == utils::IteratorType::parallel) {
      innermostParallel = i;
    } else if (ShapedType::isDynamic(ranges[i])) {
      reductionElements = kMaxReductionTile + 1;
    } else {
      reductionElements *= ranges[i];
    }
  }
  for (int64_t i = 0; i < loops; ++i)
    if (iterators[i] == utils::IteratorType::reduction)
      tiles[i] = reductionElements <= kMaxReductionTile ? 0 : 1;
  if (innermostParallel >= 0)
    tiles[innermostParallel] =
        dividingTile(ranges[innermostParallel], vectorWidth);
  return tiles;
}

struct KilnTileAndVectorizePass
    : kiln::impl::KilnTileAndVectorizeBase<KilnTileAndVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());

    // expand-strided-metadata crashes on the memref form of an expand_shape
    // group with several dynamic sizes, which the reshape propagation of
    // elementwise fusion creates: spell those shapes out in a tensor.reshape.
    SmallVector<tensor::ExpandShapeOp> expands;
    func.walk([&](tensor::ExpandShapeOp expand) {
      RankedTensorType type = expand.getResultType();
      if (llvm::any_of(expand.getReassociationIndices(),
                       [&](const ReassociationIndices &group) {
                         return llvm::count_if(group, [&](int64_t d) {
                                  return type.isDynamicDim(d);
                                }) > 1;
                       }))
        expands.push_back(expand);
    });
    for (tensor::ExpandShapeOp expand : expands) {
      rewriter.setInsertionPoint(expand);
      Location loc = expand.getLoc();
      Value shape = tensor::FromElementsOp::create(
          rewriter, loc,
          getValueOrCreateConstantIndexOp(rewriter, loc,
                                          expand.getMixedOutputShape()));
      rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(
          expand, expand.getResultType(), expand.getSrc(), shape);
    }

    // conv_2d_nchw_fchw -> im2col + contraction, which vectorizes.
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    func.walk([&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      // The im2col needs static shapes: with a dynamic batch, convolve one
      // image at a time (the batch tiled by 1 has static slices).
      if (cast<ShapedType>(conv.getInputs()[0].getType()).isDynamicDim(0)) {
        SmallVector<int64_t> batchTile(conv.getNumLoops(), 0);
        batchTile[0] = 1;
        scf::SCFTilingOptions options;
        options.setTileSizes(getAsIndexOpFoldResult(&getContext(), batchTile));
        rewriter.setInsertionPoint(conv);
        FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
            rewriter, cast<TilingInterface>(conv.getOperation()), options);
        if (failed(tiled) || tiled->tiledOps.size() != 1)
          continue;
        rewriter.replaceOp(conv, tiled->replacements);
        auto tiledConv =
            dyn_cast<linalg::Conv2DNchwFchwOp>(tiled->tiledOps.front());
        if (!tiledConv)
          continue;
        conv = tiledConv;
      }
      rewriter.setInsertionPoint(conv);
      // On success this replaces (and erases) the convolution itself.
      (void)linalg::rewriteInIm2Col(rewriter, conv);
    }

    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (isa<TilingInterface>(op.getOperation()) &&
          op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      tileAndVectorize(rewriter, op);

    // Dynamic sizes: each tiled op's result size is a tensor.dim of the
    // previous op's result (a loop result, a pad, ...). Spell them in terms
    // of the function arguments, or the subset analyses of later passes
    // (value bounds, in loop-invariant-subset-hoisting and bufferization)
    // walk back through every earlier loop nest: ResNet-18 with a dynamic
    // batch took minutes. Not converging leaves valid IR, so it is no error.
    RewritePatternSet patterns(&getContext());
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    scf::populateSCFForLoopCanonicalizationPatterns(patterns);
    tensor::DimOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::EmptyOp::getCanonicalizationPatterns(patterns, &getContext());
    (void)applyPatternsGreedily(func, std::move(patterns));
  }

  void tileAndVectorize(IRRewriter &rewriter, linalg::LinalgOp op) {
    std::optional<SmallVector<int64_t>> tiles =
        chooseTileSizes(op, vectorWidth);
    if (!tiles)
      return;
    Operation *target = op.getOperation();
    if (llvm::any_of(*tiles, [](int64_t t) { return t != 0; })) {
      scf::SCFTilingOptions options;
      options.setTileSizes(getAsIndexOpFoldResult(&getContext(), *tiles));
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled =
          scf::tileUsingSCF(rewriter, cast<TilingInterface>(target), options);
      if (failed(tiled))
        return;
      rewriter.replaceOp(op, tiled->replacements);
      if (tiled->tiledOps.empty())
        return;
      target = tiled->tiledOps.back();
    }
    if (failed(linalg::vectorizeOpPrecondition(target)))
      return;
    rewriter.setInsertionPoint(target);
    FailureOr<linalg::VectorizationResult> vectorized =
        linalg::vectorize(rewriter, target);
    if (failed(vectorized))
      return;
    if (target->getNumResults())
      rewriter.replaceOp(target, vectorized->replacements);
    else
      rewriter.eraseOp(target);
  }
};

} // namespace
