//===- TileAndVectorize.cpp - kiln-tile-and-vectorize ---------------------===//
//
// The CPU codegen of kernels. A dispatch with a #kiln_kernel.schedule is
// compiled as the schedule says:
//  1. level 1: the op computing the dispatch's result is tiled by the
//     schedule's `tiles` (mapped from the root's loops onto its own) into an
//     scf.forall (threads) or scf.for nest, and the dispatch's other ops are
//     fused into the loop body tile by tile;
//  2. a contraction root is then blocked along k and tiled into its register
//     tile (`vector`), which is vectorized; the accumulator stays in
//     registers across the k loop once loop-invariant-subset-hoisting runs;
//     a window contraction (conv) likewise, its register tile rewritten as a
//     contraction over strided views of the input;
//  3. every other op is tiled so that its innermost parallel loop is one
//     vector and vectorized.
// Then the dispatches are inlined. Ops outside dispatches get step 3 only.
// A register tile that does not divide its loop leaves a remainder tile,
// peeled: every tile has a static shape where the loop has, and no masks.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/CPU/PackMatmul.h"
#include "passes/Codegen/CPU/TilingUtils.h"
#include "passes/Codegen/CPU/WindowContraction.h"
#include "passes/Kernel/Schedules.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNTILEANDVECTORIZE
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using kiln_kernel::DispatchOp;
using kiln_kernel::ScheduleAttr;

namespace {

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

/// Vector tile sizes for `op` outside a schedule's root (0 = not tiled), or
/// std::nullopt to leave it scalar: a contraction gets an 8-row x 2-vector
/// register block, every other op the schedules' default vector rule.
std::optional<SmallVector<int64_t>> defaultVectorTiles(linalg::LinalgOp op,
                                                       int64_t vectorWidth) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges.empty() || hasNonLinearIndexing(op) ||
      llvm::is_contained(ranges, 0) || kiln::readsOrWritesBooleans(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (!linalg::isaContractionOpInterface(op) || failed(dims) ||
      dims->m.empty() || dims->n.empty())
    return kiln::defaultVector(op, vectorWidth);
  SmallVector<int64_t> tiles(ranges.size(), 1);
  unsigned m = *llvm::max_element(dims->m), n = *llvm::max_element(dims->n);
  tiles[m] = kiln::chooseRegisterRows(ranges[m], {8, 7, 6, 4, 2});
  tiles[n] = kiln::registerColumnTile(ranges[n], vectorWidth, 2 * vectorWidth);
  return tiles;
}

/// Marks the op whose loops a dispatch's schedule tiles, through tiling.
constexpr StringLiteral kRootMark = "kiln.schedule_root";

/// Tiles `op` by `sizes` (0 = whole; a remainder tile where a size does
/// not divide its loop) and vectorizes the tiles.
void tileAndVectorize(IRRewriter &rewriter, linalg::LinalgOp op,
                      ArrayRef<int64_t> sizes, int64_t vectorWidth) {
  for (linalg::LinalgOp tile :
       kiln::tileWithRemainders(rewriter, op, sizes, vectorWidth))
    (void)kiln::vectorizeLinalgOp(rewriter, tile);
}

/// Tiles the contraction `op` into register tiles by `sizes`, its reduction
/// loops innermost, and vectorizes them. When `op` has the whole reduction
/// and its init is a fill, each register tile fills its own accumulators:
/// vectorized, the fill is the k loop's initial vector, where a fill of the
/// whole tile was a memset and a load back per register tile.
void tileContractionAndVectorize(IRRewriter &rewriter, linalg::LinalgOp op,
                                 ArrayRef<int64_t> sizes, int64_t vectorWidth) {
  SmallVector<int64_t> registerTiles(sizes), kLoops(sizes.size(), 0);
  for (auto [i, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::reduction)
      std::swap(registerTiles[i], kLoops[i]);
  if (llvm::any_of(registerTiles, [](int64_t s) { return s != 0; }) &&
      op.getDpsInits()[0].getDefiningOp<linalg::FillOp>()) {
    SmallVector<linalg::FillOp> fills;
    SmallVector<linalg::LinalgOp> tiles = kiln::tileWithRemainders(
        rewriter, op, registerTiles, vectorWidth, /*interchange=*/{}, &fills);
    if (!tiles.empty()) {
      for (linalg::FillOp fill : fills)
        (void)kiln::vectorizeLinalgOp(rewriter, fill);
      for (linalg::LinalgOp tile : tiles)
        tileAndVectorize(rewriter, tile, kLoops, vectorWidth);
      return;
    }
  }
  tileAndVectorize(rewriter, op, sizes, vectorWidth);
}

/// The tile sizes of `root`'s parallel loops, carried to the loops of
/// `tail`, which computes the dispatch's result from the root's result
/// through elementwise ops (the same output dimensions).
SmallVector<int64_t> tailTiles(linalg::LinalgOp root, linalg::LinalgOp tail,
                               ArrayRef<int64_t> rootTiles) {
  SmallVector<int64_t> sizes(tail.getNumLoops(), 0);
  SmallVector<utils::IteratorType> iterators = root.getIteratorTypesArray();
  if (root == tail) {
    for (auto [i, size] : llvm::enumerate(rootTiles))
      sizes[i] = iterators[i] == utils::IteratorType::parallel ? size : 0;
    return sizes;
  }
  AffineMap rootOut = root.getMatchingIndexingMap(root.getDpsInitOperand(0));
  AffineMap tailOut = tail.getMatchingIndexingMap(tail.getDpsInitOperand(0));
  if (rootOut.getNumResults() != tailOut.getNumResults())
    return sizes;
  for (auto [rootExpr, tailExpr] :
       llvm::zip(rootOut.getResults(), tailOut.getResults())) {
    auto rootDim = dyn_cast<AffineDimExpr>(rootExpr);
    auto tailDim = dyn_cast<AffineDimExpr>(tailExpr);
    if (rootDim && tailDim)
      sizes[tailDim.getPosition()] = rootTiles[rootDim.getPosition()];
  }
  return sizes;
}

struct KilnTileAndVectorizePass
    : kiln::impl::KilnTileAndVectorizeBase<KilnTileAndVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    spellOutMultiDynamicExpands(rewriter, func);

    SmallVector<DispatchOp> dispatches;
    func.walk([&](DispatchOp dispatch) { dispatches.push_back(dispatch); });
    for (DispatchOp dispatch : dispatches)
      if (ScheduleAttr schedule = dispatch.getScheduleAttr())
        compileDispatch(rewriter, dispatch, schedule);

    // Everything not yet vectorized: one vector along the innermost
    // parallel loop.
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      // Fills left (outside contraction kernels, whose fills are stored
      // by register tiles) stay scalar loops, which LLVM turns into a
      // memset per contiguous run.
      if (isa<TilingInterface>(op.getOperation()) &&
          op.hasPureTensorSemantics() && !isa<linalg::FillOp>(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      std::optional<SmallVector<int64_t>> sizes =
          defaultVectorTiles(op, vectorWidth);
      if (!sizes)
        continue;
      if (linalg::isaContractionOpInterface(op))
        tileContractionAndVectorize(rewriter, op, *sizes, vectorWidth);
      else
        tileAndVectorize(rewriter, op, *sizes, vectorWidth);
    }

    for (DispatchOp dispatch : dispatches)
      inlineDispatch(rewriter, dispatch);
    simplifyDynamicSizes(func);
    lowerTransposingTransfers(func);
  }

  /// A transfer that transposes (a vectorized transpose, the packing of a
  /// matmul's A) becomes a contiguous transfer and a vector.transpose,
  /// which the LLVM lowering turns into shuffles; left as is, the transfer
  /// would be unrolled into single elements.
  void lowerTransposingTransfers(func::FuncOp func) {
    SmallVector<Operation *> transposing;
    func.walk([&](VectorTransferOpInterface transfer) {
      // The memory's innermost dimension is not the vector's, and both
      // are more than one element.
      AffineMap map = transfer.getPermutationMap();
      ArrayRef<int64_t> shape = transfer.getVectorType().getShape();
      if (!map.isPermutation() || shape.empty() || shape.back() == 1)
        return;
      AffineExpr innermost =
          getAffineDimExpr(map.getNumDims() - 1, func.getContext());
      for (auto [i, result] : llvm::enumerate(map.getResults()))
        if (result == innermost && i + 1 != shape.size() && shape[i] > 1)
          transposing.push_back(transfer);
    });
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    (void)applyOpPatternsGreedily(transposing, std::move(patterns));
  }

  void compileDispatch(IRRewriter &rewriter, DispatchOp dispatch,
                       ScheduleAttr schedule) {
    FailureOr<kiln::ScheduleRoot> root = kiln::getScheduleRoot(dispatch);
    if (failed(root) || failed(kiln::verifySchedule(dispatch, schedule)))
      return;
    linalg::LinalgOp rootOp = root->op;
    SmallVector<utils::IteratorType> iterators = rootOp.getIteratorTypesArray();
    SmallVector<int64_t> ranges = rootOp.getStaticLoopRanges();
    auto tail = cast<linalg::LinalgOp>(
        dispatch.getTerminator()->getOperand(0).getDefiningOp());
    // Tiling clones ops with their attributes: the mark finds the root's
    // tile among the fused ops.
    rootOp->setAttr(kRootMark, rewriter.getUnitAttr());
    bool accumulates =
        root->strategy == "contraction" || root->strategy == "conv";
    if (accumulates)
      cloneFillIntoDispatch(rewriter, dispatch, rootOp);
    LogicalResult tiled = tileAndFuseLevel1(rewriter, dispatch, rootOp, tail,
                                            schedule, accumulates);
    Operation *tiledRoot = nullptr;
    dispatch.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kRootMark)) {
        op->removeAttr(kRootMark);
        tiledRoot = op;
      }
    });
    if (failed(tiled) || !tiledRoot)
      return;

    if (!accumulates) {
      tileAndVectorize(rewriter, cast<linalg::LinalgOp>(tiledRoot),
                       schedule.getVector(), vectorWidth);
      return;
    }
    // Level 2: block k, then the register tile, vectorized.
    SmallVector<int64_t> kBlock(iterators.size(), 0);
    bool oneKBlock = true;
    for (auto [i, iterator] : llvm::enumerate(iterators))
      if (iterator == utils::IteratorType::reduction) {
        kBlock[i] = schedule.getTiles()[i];
        oneKBlock &= kBlock[i] == 0 || kBlock[i] == ranges[i];
      }
    // A contraction of one k block zeroes its accumulators in each register
    // tile (tileContractionAndVectorize, vectorizePackedMatmul); a conv's
    // register tiles store zeros first.
    if (!oneKBlock || root->strategy == "conv")
      fillAccumulatorByRegisterTiles(
          rewriter, cast<linalg::LinalgOp>(tiledRoot), schedule.getVector());
    Operation *blocked = kiln::tileWithLoops(rewriter, tiledRoot, kBlock);
    if (!blocked)
      return;
    if (root->strategy == "conv") {
      compileWindowTile(rewriter, blocked, schedule);
      return;
    }
    if (schedule.getPack()) {
      // A linalg.matmul's loops are (m, n, k).
      int64_t rows =
          schedule.getTiles()[0] ? schedule.getTiles()[0] : ranges[0];
      bool packA = kiln::packsA(rows, ranges[2]);
      FailureOr<linalg::GenericOp> packed = kiln::packMatmul(
          rewriter, cast<linalg::MatmulOp>(blocked), schedule.getVector()[0],
          schedule.getVector()[1], packA);
      if (succeeded(packed) &&
          succeeded(kiln::vectorizePackedMatmul(rewriter, *packed)))
        return;
    }
    tileContractionAndVectorize(rewriter, cast<linalg::LinalgOp>(blocked),
                                schedule.getVector(), vectorWidth);
  }

  /// A contraction's fill that CSE merged with another kernel's sits
  /// outside both and would be one memset of the whole result ahead of the
  /// kernel: a copy inside the dispatch joins its tiles instead.
  static void cloneFillIntoDispatch(IRRewriter &rewriter, DispatchOp dispatch,
                                    linalg::LinalgOp root) {
    OpOperand *init = root.getDpsInitOperand(0);
    auto fill = init->get().getDefiningOp<linalg::FillOp>();
    if (!fill || dispatch->isAncestor(fill))
      return;
    rewriter.setInsertionPoint(root);
    Operation *clone = rewriter.clone(*fill);
    rewriter.modifyOpInPlace(root, [&] { init->set(clone->getResult(0)); });
  }

  /// The fill that zeroes a contraction's level-1 tile of accumulators,
  /// fused into the tile, stores one register tile of zeros at a time: the
  /// tile is then in cache when the k loop first reads it, where a fill of
  /// the whole result ahead of the kernel is a pass over memory.
  void fillAccumulatorByRegisterTiles(IRRewriter &rewriter,
                                      linalg::LinalgOp root,
                                      ArrayRef<int64_t> registerTile) {
    OpOperand *init = root.getDpsInitOperand(0);
    auto fill = init->get().getDefiningOp<linalg::FillOp>();
    if (!fill)
      return;
    AffineMap out = root.getMatchingIndexingMap(init);
    SmallVector<int64_t> sizes;
    for (AffineExpr result : out.getResults()) {
      auto dim = dyn_cast<AffineDimExpr>(result);
      sizes.push_back(dim ? registerTile[dim.getPosition()] : 1);
    }
    tileAndVectorize(rewriter, fill, sizes, vectorWidth);
  }

  /// Tiles a k block of a window contraction into register tiles, filters
  /// outermost so that a column of the filter panel is reused by every pixel
  /// of the level-1 tile, and vectorizes each as a plain contraction.
  void compileWindowTile(IRRewriter &rewriter, Operation *blocked,
                         ScheduleAttr schedule) {
    kiln::WindowLoops loops =
        *kiln::matchWindowContraction(cast<linalg::LinalgOp>(blocked));
    SmallVector<int64_t> order;
    if (loops.filterBlock)
      order.push_back(*loops.filterBlock);
    order.push_back(loops.filter);
    for (int64_t i = 0, e = schedule.getVector().size(); i < e; ++i)
      if (!llvm::is_contained(order, i))
        order.push_back(i);
    for (linalg::LinalgOp tile :
         kiln::tileWithRemainders(rewriter, cast<linalg::LinalgOp>(blocked),
                                  schedule.getVector(), vectorWidth, order)) {
      auto generic = dyn_cast<linalg::GenericOp>(*tile);
      if (!generic)
        continue;
      FailureOr<linalg::GenericOp> contraction =
          kiln::contractWindowTile(rewriter, generic, loops.channel);
      if (succeeded(contraction))
        (void)kiln::vectorizeLinalgOp(rewriter, *contraction);
    }
  }

  /// Tiles `tail` by the schedule's level-1 tiles of `root`'s parallel loops
  /// (an scf.forall with threads, else scf.for) and fuses the dispatch's
  /// other ops into the tile.
  static LogicalResult
  tileAndFuseLevel1(IRRewriter &rewriter, DispatchOp dispatch,
                    linalg::LinalgOp root, linalg::LinalgOp tail,
                    ScheduleAttr schedule, bool fuseFills) {
    SmallVector<int64_t> level1 = tailTiles(root, tail, schedule.getTiles());
    if (llvm::all_of(level1, [](int64_t s) { return s == 0; }))
      return success();
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), level1));
    tiling.setLoopType(schedule.getThreads()
                           ? scf::SCFTilingOptions::LoopType::ForallOp
                           : scf::SCFTilingOptions::LoopType::ForOp);
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          // Tiling takes an operand's slice as the bounding box of the
          // tile's indices, which floordiv/mod maps do not respect. A fill
          // joins only a contraction's tile, where it is vectorized by
          // register tiles; elsewhere it stays whole, one memset: per tile,
          // its strided runs become hundreds of memset calls in one block
          // once LLVM unrolls them, which the instruction scheduler takes
          // seconds over.
          auto linalgProducer = dyn_cast<linalg::LinalgOp>(producer.getOwner());
          if (!dispatch->isProperAncestor(producer.getOwner()) ||
              (linalgProducer && hasNonLinearIndexing(linalgProducer)) ||
              (!fuseFills && isa_and_nonnull<linalg::FillOp>(linalgProducer)))
            return std::nullopt;
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        });
    rewriter.setInsertionPoint(tail);
    FailureOr<scf::SCFTileAndFuseResult> fused =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(tail.getOperation()), options);
    if (failed(fused))
      return failure();
    for (OpResult result : tail->getResults())
      rewriter.replaceAllUsesWith(result, fused->replacements[result]);
    // The untiled ops are dead now, unless another op of the dispatch still
    // reads them whole (consumers first, so their producers die too).
    SmallVector<Operation *> untiled;
    for (Operation &op : dispatch.getBody().front().without_terminator())
      if (isa<linalg::LinalgOp>(op))
        untiled.push_back(&op);
    for (Operation *op : llvm::reverse(untiled))
      if (op->use_empty())
        rewriter.eraseOp(op);
    return success();
  }

  static void inlineDispatch(IRRewriter &rewriter, DispatchOp dispatch) {
    Block &body = dispatch.getBody().front();
    Operation *terminator = body.getTerminator();
    rewriter.replaceAllUsesWith(dispatch.getResults(),
                                terminator->getOperands());
    rewriter.eraseOp(terminator);
    rewriter.inlineBlockBefore(&body, dispatch);
    rewriter.eraseOp(dispatch);
  }

  /// expand-strided-metadata crashes on the memref form of an expand_shape
  /// group with several dynamic sizes, which the reshape propagation of
  /// elementwise fusion creates: spell those shapes out in a tensor.reshape.
  static void spellOutMultiDynamicExpands(IRRewriter &rewriter,
                                          func::FuncOp func) {
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
  }

  /// Dynamic sizes: each tiled op's result size is a tensor.dim of the
  /// previous op's result (a loop result, a pad, ...). Spell them in terms
  /// of the function arguments, or the subset analyses of later passes
  /// (value bounds, in loop-invariant-subset-hoisting and bufferization)
  /// walk back through every earlier loop nest: ResNet-18 with a dynamic
  /// batch took minutes. Not converging leaves valid IR, so it is no error.
  void simplifyDynamicSizes(func::FuncOp func) {
    RewritePatternSet patterns(&getContext());
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    scf::populateSCFForLoopCanonicalizationPatterns(patterns);
    tensor::DimOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::EmptyOp::getCanonicalizationPatterns(patterns, &getContext());
    (void)applyPatternsGreedily(func, std::move(patterns));
  }
};

} // namespace
