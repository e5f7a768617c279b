//===- PrepareBufferization.cpp - kiln-prepare-bufferization --------------===//
//
// Tensor rewrites that let one-shot bufferization write results where they
// are needed instead of copying them there:
//  - a pad becomes a fill of the padded tensor and an insert_slice of its
//    source, so that eliminate-empty-tensors has the source's producer write
//    into the padded buffer instead of a buffer of its own then copied.
//    (Filling only the border measured no faster, and at batch 8 LLVM
//    unrolled the border's strided runs into blocks of hundreds of memset
//    calls, which tripled ResNet-18's compile time);
//  - a fill used by several ops (CSE merges identical fills of identical
//    empty tensors) is cloned for each: every user writes into its fill in
//    place, and bufferization would otherwise fill one buffer and copy it
//    for each user.
// Nothing here folds: folding an extract_slice of the new insert_slice onto
// the pad's source would make the producer's result live beside the padded
// buffer, and bufferization would copy it again.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNPREPAREBUFFERIZATION
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Gives each use but the first of a fill of an empty tensor its own fill,
/// or just an empty tensor where the user does not read it.
void cloneSharedFills(func::FuncOp func) {
  SmallVector<linalg::FillOp> shared;
  func.walk([&](linalg::FillOp fill) {
    if (fill.hasPureTensorSemantics() && !fill->getResult(0).hasOneUse() &&
        fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
      shared.push_back(fill);
  });
  OpBuilder builder(func.getContext());
  for (linalg::FillOp fill : shared) {
    SmallVector<OpOperand *> uses = llvm::map_to_vector(
        fill->getResult(0).getUses(), [](OpOperand &use) { return &use; });
    builder.setInsertionPointAfter(fill);
    for (OpOperand *use : llvm::drop_begin(uses)) {
      Operation *empty = builder.clone(*fill.getOutputs()[0].getDefiningOp());
      auto user = dyn_cast<linalg::LinalgOp>(use->getOwner());
      if (user && user.isDpsInit(use) &&
          !user.payloadUsesValueFromOperand(use)) {
        use->set(empty->getResult(0));
        continue;
      }
      IRMapping mapping;
      mapping.map(fill.getOutputs()[0], empty->getResult(0));
      use->set(builder.clone(*fill, mapping)->getResult(0));
    }
  }
}

struct KilnPrepareBufferizationPass
    : kiln::impl::KilnPrepareBufferizationBase<KilnPrepareBufferizationPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateDecomposePadPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    cloneSharedFills(getOperation());
  }
};

} // namespace
