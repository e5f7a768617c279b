//===- PackMatmul.cpp - data tiling of a matmul tile ----------------------===//
#include "passes/Codegen/CPU/PackMatmul.h"
#include "passes/Codegen/CPU/TilingUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

/// The constant `value` is a slice of (through unit-stride extract_slices)
/// and the offsets of the slice in it; failure for anything else.
static FailureOr<std::pair<Value, SmallVector<OpFoldResult>>>
sliceOfConstant(RewriterBase &rewriter, Location loc, Value value) {
  SmallVector<OpFoldResult> offsets(
      cast<RankedTensorType>(value.getType()).getRank(),
      rewriter.getIndexAttr(0));
  while (auto slice = value.getDefiningOp<tensor::ExtractSliceOp>()) {
    if (!slice.hasUnitStride() ||
        slice.getSourceType().getRank() != slice.getType().getRank())
      return failure();
    AffineExpr d0, d1;
    bindDims(rewriter.getContext(), d0, d1);
    for (auto [offset, outer] : llvm::zip(offsets, slice.getMixedOffsets()))
      offset = affine::makeComposedFoldedAffineApply(rewriter, loc, d0 + d1,
                                                     {offset, outer});
    value = slice.getSource();
  }
  if (!matchPattern(value, m_Constant()))
    return failure();
  return std::make_pair(value, offsets);
}

/// B[Kc, Nc] as [Nc/nr][Kc][nr] panels. A slice of a constant (a layer's
/// weights) is a slice of the whole constant packed at compile time, placed
/// beside it; anything else is copied at run time.
static Value packB(RewriterBase &rewriter, Location loc, Value b, int64_t nr) {
  FailureOr<std::pair<Value, SmallVector<OpFoldResult>>> slice =
      sliceOfConstant(rewriter, loc, b);
  if (failed(slice) ||
      cast<RankedTensorType>(slice->first.getType()).getDimSize(1) % nr)
    return kiln::permute(rewriter, loc, kiln::splitDim(rewriter, loc, b, 1, nr),
                         {1, 0, 2});
  auto [constant, offsets] = *slice;
  Value packed;
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointAfter(constant.getDefiningOp());
    packed = kiln::permute(rewriter, loc,
                           kiln::splitDim(rewriter, loc, constant, 1, nr),
                           {1, 0, 2});
  }
  auto type = cast<RankedTensorType>(b.getType());
  AffineExpr d0;
  bindDims(rewriter.getContext(), d0);
  SmallVector<OpFoldResult> packedOffsets = {
      affine::makeComposedFoldedAffineApply(rewriter, loc, d0.floorDiv(nr),
                                            {offsets[1]}),
      offsets[0], rewriter.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {
      rewriter.getIndexAttr(type.getDimSize(1) / nr),
      rewriter.getIndexAttr(type.getDimSize(0)), rewriter.getIndexAttr(nr)};
  SmallVector<OpFoldResult> strides(3, rewriter.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(rewriter, loc, packed, packedOffsets,
                                        sizes, strides);
}

FailureOr<linalg::GenericOp> kiln::packMatmul(RewriterBase &rewriter,
                                              linalg::MatmulOp matmul,
                                              int64_t mr, int64_t nr,
                                              bool packA) {
  if (!matmul.hasPureTensorSemantics() ||
      !llvm::all_of(matmul.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return failure();
  Value a = matmul.getInputs()[0], b = matmul.getInputs()[1];
  Value c = matmul.getOutputs()[0];
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  if (!aType.hasStaticShape() || !bType.hasStaticShape() ||
      !aType.getElementType().isF32() || !bType.getElementType().isF32() ||
      aType.getDimSize(0) % mr || bType.getDimSize(1) % nr ||
      matmul.getIndexingMapsArray() !=
          linalg::MatmulOp::getDefaultIndexingMaps(rewriter.getContext()))
    return failure();

  Location loc = matmul.getLoc();
  rewriter.setInsertionPoint(matmul);
  // A[M, K] -> [M/mr, mr, K] (-> [M/mr, K, mr] packed); B[K, N] ->
  // [K, N/nr, nr] -> [N/nr, K, nr]; C[M, N] -> [M/mr, mr, N/nr, nr] (a view).
  Value aPanels = kiln::splitDim(rewriter, loc, a, 0, mr);
  if (packA)
    aPanels = kiln::permute(rewriter, loc, aPanels, {0, 2, 1});
  Value bPanels = packB(rewriter, loc, b, nr);
  // A zero fill of C is moved onto the tiled view, where
  // vectorizePackedMatmul fuses it into each register tile.
  auto fill = c.getDefiningOp<linalg::FillOp>();
  Value cTiles = kiln::splitDim(
      rewriter, loc,
      kiln::splitDim(rewriter, loc, fill ? fill.getOutputs()[0] : c, 0, mr), 2,
      nr);
  if (fill)
    cTiles = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], cTiles)
                 .getResult(0);

  MLIRContext *ctx = rewriter.getContext();
  AffineExpr im, jn, mi, ni, k;
  bindDims(ctx, im, jn, mi, ni, k);
  AffineMap aMap = packA ? AffineMap::get(5, 0, {im, k, mi}, ctx)
                         : AffineMap::get(5, 0, {im, mi, k}, ctx);
  SmallVector<AffineMap> maps = {aMap, AffineMap::get(5, 0, {jn, k, ni}, ctx),
                                 AffineMap::get(5, 0, {im, mi, jn, ni}, ctx)};
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  auto contraction = linalg::GenericOp::create(
      rewriter, loc, cTiles.getType(), ValueRange{aPanels, bPanels},
      ValueRange{cTiles}, maps, iterators,
      [](OpBuilder &builder, Location loc, ValueRange args) {
        // `contract` lets LLVM fuse the two into one FMA, as the
        // vector.contract of an unpacked matmul is lowered.
        auto contract = arith::FastMathFlags::contract;
        Value product =
            arith::MulFOp::create(builder, loc, args[0], args[1], contract);
        Value sum =
            arith::AddFOp::create(builder, loc, product, args[2], contract);
        linalg::YieldOp::create(builder, loc, sum);
      });
  Value result = tensor::CollapseShapeOp::create(
      rewriter, loc, c.getType(), contraction.getResult(0),
      SmallVector<ReassociationIndices>{{0, 1}, {2, 3}});
  rewriter.replaceOp(matmul, result);
  return contraction;
}

/// Drops the unit loops of a register-tile contraction (1, 1, mr, nr, 1)
/// -> (mr, nr, 1), a contraction the vectorizer turns into a
/// vector.contract, lowered later to outer products (broadcast + FMA).
static LogicalResult vectorizeRegisterTile(RewriterBase &rewriter,
                                           linalg::GenericOp tile) {
  linalg::ControlDropUnitDims control;
  control.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  control.controlFn = [](Operation *) { return SmallVector<unsigned>{0, 1}; };
  rewriter.setInsertionPoint(tile);
  FailureOr<linalg::DropUnitDimsResult> dropped =
      linalg::dropUnitDims(rewriter, tile, control);
  if (failed(dropped))
    return failure();
  rewriter.replaceOp(tile, dropped->replacements);
  return kiln::vectorizeLinalgOp(rewriter, dropped->resultOp);
}

/// Vectorizes the zero fill of one register tile (1, mr, 1, nr) on its
/// (mr, nr) view, the shape the register tile's contraction reads its
/// accumulators in once its unit loops are dropped: the read then folds
/// into the zeros, which start the k loop in registers.
static void vectorizeRegisterTileFill(RewriterBase &rewriter,
                                      linalg::FillOp fill) {
  Value dest = fill.getDpsInits()[0];
  auto type = cast<RankedTensorType>(dest.getType());
  SmallVector<int64_t> shape;
  for (int64_t size : type.getShape())
    if (size != 1)
      shape.push_back(size);
  Location loc = fill.getLoc();
  rewriter.setInsertionPoint(fill);
  Value view = tensor::createCanonicalRankReducingExtractSliceOp(
      rewriter, loc, dest, type.clone(shape));
  auto viewFill =
      linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], view);
  rewriter.replaceOp(fill, tensor::createCanonicalRankReducingInsertSliceOp(
                               rewriter, loc, viewFill.getResult(0), dest));
  (void)kiln::vectorizeLinalgOp(rewriter, viewFill);
}

LogicalResult kiln::vectorizePackedMatmul(RewriterBase &rewriter,
                                          linalg::GenericOp packed) {
  // jn outermost, then im, then k; the mr x nr panel product whole.
  SmallVector<int64_t> interchange = {1, 0, 2, 3, 4};
  if (!packed.getDpsInits()[0].getDefiningOp<linalg::FillOp>()) {
    auto tile = dyn_cast_or_null<linalg::GenericOp>(
        kiln::tileWithLoops(rewriter, packed, {1, 1, 0, 0, 1}, interchange));
    return tile ? vectorizeRegisterTile(rewriter, tile) : failure();
  }
  // Each register tile zeroes its own accumulators: once vectorized, the
  // zeros are the k loop's initial vectors, where a fill ahead of the
  // register tiles was a memset of the whole C tile and a load per tile.
  auto fused =
      kiln::tileAndFuseFill(rewriter, packed, {1, 1, 0, 0, 0}, interchange);
  if (failed(fused))
    return failure();
  if (fused->second)
    vectorizeRegisterTileFill(rewriter, fused->second);
  auto tile = cast<linalg::GenericOp>(fused->first.getOperation());
  tile = dyn_cast_or_null<linalg::GenericOp>(
      kiln::tileWithLoops(rewriter, tile, {0, 0, 0, 0, 1}));
  return tile ? vectorizeRegisterTile(rewriter, tile) : failure();
}
