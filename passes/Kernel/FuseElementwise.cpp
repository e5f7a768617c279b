//===- FuseElementwise.cpp - kiln-fuse-elementwise ------------------------===//
//
// Upstream linalg elementwise fusion (producer into consumer generics,
// reshapes propagated through elementwise ops), except that contractions and
// convolutions are left as they are: a reshape propagated into a matmul
// turns it into a generic with unit dimensions, which loses the matmul
// schedules (packing) and the kiln-fuse epilogue.
//
//===----------------------------------------------------------------------===//
#include "passes/Kernel/Schedules.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNFUSEELEMENTWISE
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

bool isContractionLike(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && (kiln::isMatmulLike(linalgOp) ||
                      linalg::isaConvolutionOpInterface(linalgOp));
}

/// Whether `op`'s body divides or calls a math function.
bool isExpensive(Operation *op) {
  WalkResult found = op->walk([](Operation *inner) {
    return isa<arith::DivFOp>(inner) ||
                   inner->getDialect()->getNamespace() == "math"
               ? WalkResult::interrupt()
               : WalkResult::advance();
  });
  return found.wasInterrupted();
}

struct KilnFuseElementwisePass
    : kiln::impl::KilnFuseElementwiseBase<KilnFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    // Fuse a producer only into its single consumer, and never reshape a
    // contraction. A producer read broadcast (a row's 1 / sum, read by each
    // element of the row) would run once per element of the consumer, so
    // one that divides or calls a math function stays apart.
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      if (!producer || !producer->hasOneUse() || isContractionLike(producer) ||
          isContractionLike(fused->getOwner()))
        return false;
      auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
      return !consumer ||
             consumer.getMatchingIndexingMap(fused).isPermutation() ||
             !isExpensive(producer);
    };
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    collapseEpiloguesOfContractions();
  }

  /// A batched activation times a weight is a matmul over the rows
  /// flattened, whose result is expanded back: the elementwise op after it
  /// (bias, activation) reads the expanded result, so it could not join the
  /// matmul's kernel as its epilogue. Collapsing that op onto the matmul's
  /// shape moves the expand after it. Run apart from the expansions above,
  /// which undo it.
  void collapseEpiloguesOfContractions() {
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      auto expand = fused->get().getDefiningOp<tensor::ExpandShapeOp>();
      auto consumer = dyn_cast<linalg::GenericOp>(fused->getOwner());
      return expand && expand->hasOneUse() && consumer &&
             consumer.getNumLoops() == consumer.getNumParallelLoops() &&
             isContractionLike(expand.getSrc().getDefiningOp());
    };
    RewritePatternSet patterns(&getContext());
    linalg::populateFoldReshapeOpsByCollapsingPatterns(patterns, control);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
