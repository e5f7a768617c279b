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

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Interfaces/TilingInterface.h"

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

/// Elements a reduction tile may hold before the reduction is tiled too.
constexpr int64_t kMaxReductionTile = 1024;

/// Tile sizes for `op` (0 = not tiled), or std::nullopt to leave it alone.
std::optional<SmallVector<int64_t>> chooseTileSizes(linalg::LinalgOp op,
                                                    int64_t vectorWidth) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t loops = ranges.size();
  if (loops == 0)
    return std::nullopt;
  SmallVector<int64_t> tiles(loops, 1);

  if (linalg::isaContractionOpInterface(op)) {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (succeeded(dims) && dims->m.size() == 1 && dims->n.size() == 1) {
      tiles[dims->m.front()] = dividingTile(ranges[dims->m.front()], 8);
      tiles[dims->n.front()] =
          dividingTile(ranges[dims->n.front()], 2 * vectorWidth);
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

    // conv_2d_nchw_fchw -> im2col + contraction, which vectorizes.
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    func.walk([&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      rewriter.setInsertionPoint(conv);
      auto rewritten = linalg::rewriteInIm2Col(rewriter, conv);
      if (succeeded(rewritten))
        rewriter.replaceOp(conv, rewritten->second);
    }

    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (isa<TilingInterface>(op.getOperation()) && op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      tileAndVectorize(rewriter, op);
  }

  void tileAndVectorize(IRRewriter &rewriter, linalg::LinalgOp op) {
    std::optional<SmallVector<int64_t>> tiles =
        chooseTileSizes(op, vectorWidth);
    if (!tiles)
      return;
    Operation *target = op.getOperation();
    if (llvm::any_of(*tiles, [](int64_t t) { return t != 0; })) {
      scf::SCFTilingOptions options;
      options.setTileSizes(
          getAsIndexOpFoldResult(&getContext(), *tiles));
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
