//===- TilingUtils.cpp - tile and vectorize one op ------------------------===//
#include "passes/Codegen/CPU/TilingUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

Operation *kiln::tileWithLoops(RewriterBase &rewriter, Operation *op,
                               ArrayRef<int64_t> sizes,
                               ArrayRef<int64_t> interchange) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return op;
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  options.setInterchange(interchange);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), options);
  if (failed(tiled) || tiled->tiledOps.empty())
    return nullptr;
  rewriter.replaceOp(op, tiled->replacements);
  return tiled->tiledOps.back();
}

namespace {

/// Mark the tiles of one tileWithRemainders call, and their fills, carry
/// through tiling, peeling and canonicalization (clones keep attributes).
constexpr StringLiteral kTileMark = "kiln.tile";
constexpr StringLiteral kTileFillMark = "kiln.tile_fill";

/// Tile-and-fuse options that fuse `fill` into the tiles and nothing else.
scf::SCFTileAndFuseOptions fusingOnly(linalg::FillOp fill,
                                      const scf::SCFTilingOptions &tiling) {
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  Operation *fillOp = fill.getOperation();
  options.setFusionControlFn(
      [fillOp](tensor::ExtractSliceOp, OpResult producer, bool)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (producer.getOwner() != fillOp)
          return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  return options;
}

/// Peels each scf.for of `loops` (outermost first in `loops`) whose step
/// does not divide its range, innermost first so that an outer peel copies
/// the inner loops already peeled, then canonicalizes the nest: the full
/// tiles' sizes fold to constants and the single remainder iterations of
/// static loops are inlined, so that slices and tiled ops get static types.
void peelRemainders(RewriterBase &rewriter,
                    ArrayRef<LoopLikeOpInterface> loops) {
  SmallVector<Operation *> nests = {loops.front()};
  bool peeled = false;
  for (LoopLikeOpInterface loop : llvm::reverse(loops)) {
    auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
    scf::ForOp partial;
    if (!forOp ||
        failed(scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial)))
      continue;
    peeled = true;
    if (loop == loops.front())
      nests.push_back(partial);
  }
  if (!peeled)
    return;
  MLIRContext *context = rewriter.getContext();
  RewritePatternSet patterns(context);
  for (StringRef name : {"linalg", "tensor"})
    if (Dialect *dialect = context->getLoadedDialect(name))
      dialect->getCanonicalizationPatterns(patterns);
  affine::AffineMinOp::getCanonicalizationPatterns(patterns, context);
  affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
  scf::ForOp::getCanonicalizationPatterns(patterns, context);
  tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, context);
  tensor::InsertSliceOp::getCanonicalizationPatterns(patterns, context);
  tensor::CastOp::getCanonicalizationPatterns(patterns, context);
  SmallVector<Operation *> ops;
  for (Operation *nest : nests)
    nest->walk([&](Operation *op) { ops.push_back(op); });
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
  (void)applyOpPatternsGreedily(ops, std::move(patterns), config);
}

} // namespace

SmallVector<linalg::LinalgOp>
kiln::tileWithRemainders(RewriterBase &rewriter, linalg::LinalgOp op,
                         ArrayRef<int64_t> sizes, int64_t vectorWidth,
                         ArrayRef<int64_t> interchange,
                         SmallVectorImpl<linalg::FillOp> *fills) {
  // A tile wider than its static loop is the whole loop.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> clamped(sizes);
  for (auto [size, range] : llvm::zip(clamped, ranges))
    if (!ShapedType::isDynamic(range) && size > range)
      size = range;
  if (llvm::all_of(clamped, [](int64_t s) { return s == 0; }))
    return {op};
  Operation *parent = op->getParentOp();
  MLIRContext *context = rewriter.getContext();
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(context, clamped));
  tiling.setInterchange(interchange);
  linalg::FillOp fill;
  if (fills)
    fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  op->setAttr(kTileMark, UnitAttr::get(context));
  rewriter.setInsertionPoint(op);
  SmallVector<LoopLikeOpInterface> loops;
  if (fill) {
    fill->setAttr(kTileFillMark, UnitAttr::get(context));
    FailureOr<scf::SCFTileAndFuseResult> fused =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(op.getOperation()),
            fusingOnly(fill, tiling));
    fill->removeAttr(kTileFillMark);
    if (failed(fused)) {
      op->removeAttr(kTileMark);
      return {};
    }
    rewriter.replaceAllUsesWith(op->getResult(0),
                                fused->replacements[op->getResult(0)]);
    rewriter.eraseOp(op);
    if (fill->use_empty())
      rewriter.eraseOp(fill);
    loops = fused->loops;
  } else {
    FailureOr<scf::SCFTilingResult> tiled =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(*op), tiling);
    if (failed(tiled) || tiled->tiledOps.empty()) {
      op->removeAttr(kTileMark);
      return {};
    }
    rewriter.replaceOp(op, tiled->replacements);
    loops = tiled->loops;
  }
  if (!loops.empty())
    peelRemainders(rewriter, loops);

  SmallVector<linalg::LinalgOp> tiles;
  parent->walk([&](linalg::LinalgOp tiled) {
    if (tiled->removeAttr(kTileMark))
      tiles.push_back(tiled);
    else if (tiled->removeAttr(kTileFillMark) && fills)
      fills->push_back(cast<linalg::FillOp>(*tiled));
  });
  // A remainder of a dynamic loop has a dynamic size: one step at a time
  // along it keeps the other loops' vectors. A static one longer than a
  // vector but not whole vectors is split once more.
  SmallVector<linalg::LinalgOp> result;
  for (linalg::LinalgOp tile : tiles) {
    SmallVector<int64_t> tileRanges = tile.getStaticLoopRanges();
    SmallVector<int64_t> steps(tileRanges.size(), 0), vectors = steps;
    for (auto [i, size, range] : llvm::enumerate(clamped, tileRanges)) {
      if (size > 1 && ShapedType::isDynamic(range))
        steps[i] = 1;
      else if (range < size && range > vectorWidth && range % vectorWidth)
        vectors[i] = range - range % vectorWidth;
    }
    if (llvm::is_contained(steps, 1))
      if (Operation *stepped = tileWithLoops(rewriter, tile, steps))
        tile = cast<linalg::LinalgOp>(stepped);
    if (llvm::any_of(vectors, [](int64_t s) { return s != 0; })) {
      result.append(tileWithRemainders(rewriter, tile, vectors, vectorWidth));
      continue;
    }
    result.push_back(tile);
  }
  return result;
}

FailureOr<std::pair<linalg::LinalgOp, linalg::FillOp>>
kiln::tileAndFuseFill(RewriterBase &rewriter, linalg::LinalgOp op,
                      ArrayRef<int64_t> sizes, ArrayRef<int64_t> interchange) {
  auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill)
    return failure();
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  tiling.setInterchange(interchange);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> fused =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()),
          fusingOnly(fill, tiling));
  if (failed(fused))
    return failure();
  // The first of the tiled ops is the tiled `op`.
  auto tile = cast<linalg::LinalgOp>(fused->tiledAndFusedOps.front());
  linalg::FillOp tileFill;
  for (Operation *tiled : llvm::drop_begin(fused->tiledAndFusedOps))
    if (auto tiledFill = dyn_cast<linalg::FillOp>(tiled))
      tileFill = tiledFill;
  rewriter.replaceAllUsesWith(op->getResult(0),
                              fused->replacements[op->getResult(0)]);
  rewriter.eraseOp(op);
  if (fill->use_empty())
    rewriter.eraseOp(fill);
  return std::make_pair(tile, tileFill);
}

bool kiln::readsOrWritesBooleans(Operation *op) {
  return llvm::any_of(op->getOperandTypes(), [](Type type) {
    return getElementTypeOrSelf(type).isInteger(1);
  });
}

LogicalResult kiln::vectorizeLinalgOp(RewriterBase &rewriter, Operation *op) {
  if (readsOrWritesBooleans(op) || failed(linalg::vectorizeOpPrecondition(op)))
    return failure();
  rewriter.setInsertionPoint(op);
  bool contraction =
      linalg::isaContractionOpInterface(cast<linalg::LinalgOp>(op));
  FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
      rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
      /*vectorizeNDExtract=*/true, /*flatten1DDepthwiseConv=*/false,
      /*assumeDynamicDimsMatchVecSizes=*/false,
      /*createNamedContraction=*/contraction);
  if (failed(vectorized))
    return failure();
  if (op->getNumResults())
    rewriter.replaceOp(op, vectorized->replacements);
  else
    rewriter.eraseOp(op);
  return success();
}

Value kiln::permute(RewriterBase &rewriter, Location loc, Value value,
                    ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape = applyPermutation(type.getShape(), permutation);
  auto permutedType = RankedTensorType::get(shape, type.getElementType());
  DenseElementsAttr constant;
  if (matchPattern(value, m_Constant(&constant)) &&
      (constant.isSplat() || type.getElementType().isF32())) {
    if (constant.isSplat())
      return arith::ConstantOp::create(rewriter, loc,
                                       constant.resizeSplat(permutedType));
    SmallVector<float> values(constant.getValues<float>());
    SmallVector<int64_t> sourceStrides = computeStrides(type.getShape());
    SmallVector<float> permuted(values.size());
    for (int64_t linear = 0, e = permuted.size(); linear < e; ++linear) {
      int64_t source = 0, rest = linear;
      for (int64_t d = shape.size() - 1; d >= 0; --d) {
        source += (rest % shape[d]) * sourceStrides[permutation[d]];
        rest /= shape[d];
      }
      permuted[linear] = values[source];
    }
    return arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(permutedType, ArrayRef<float>(permuted)));
  }
  SmallVector<OpFoldResult> sizes = applyPermutation(
      tensor::getMixedSizes(rewriter, loc, value), permutation);
  Value init =
      tensor::EmptyOp::create(rewriter, loc, sizes, type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, value, init, permutation)
      ->getResult(0);
}

Value kiln::splitDim(RewriterBase &rewriter, Location loc, Value value,
                     int64_t dim, int64_t inner) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    ReassociationIndices group = {(int64_t)shape.size()};
    if (d == dim) {
      shape.push_back(type.getDimSize(d) / inner);
      group.push_back(shape.size());
      shape.push_back(inner);
    } else {
      shape.push_back(type.getDimSize(d));
    }
    groups.push_back(group);
  }
  auto splitType = RankedTensorType::get(shape, type.getElementType());
  DenseElementsAttr constant;
  if (matchPattern(value, m_Constant(&constant)))
    return arith::ConstantOp::create(rewriter, loc,
                                     constant.reshape(splitType));
  return tensor::ExpandShapeOp::create(rewriter, loc, splitType, value, groups);
}
