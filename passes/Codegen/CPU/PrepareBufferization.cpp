//===- PrepareBufferization.cpp - kiln-prepare-bufferization --------------===//
//
// Tensor rewrites that let one-shot bufferization write results where they
// are needed instead of copying them there:
//  - a pad becomes fills of the border of the padded tensor and an
//    insert_slice of its source, so that eliminate-empty-tensors has the
//    source's producer write into the padded buffer, and only the border is
//    filled (a dynamic pad fills the whole tensor first);
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

/// pad(x) -> insert_slice(x, into: the padded tensor with its border
/// filled). Each padded dimension contributes a slab below and above the
/// source, whole along the other dimensions (the corners are filled twice).
struct FillBorderOfPad : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    Value padding = pad.getConstantPaddingValue();
    RankedTensorType type = pad.getResultType();
    if (!padding || !type.hasStaticShape() ||
        !pad.getSourceType().hasStaticShape() ||
        ShapedType::isDynamicShape(pad.getStaticLow()))
      return failure();
    Location loc = pad.getLoc();
    int64_t rank = type.getRank();
    Value padded = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType());
    auto insert = [&](Value slice, ArrayRef<int64_t> offsets) {
      SmallVector<int64_t> ones(rank, 1);
      padded = tensor::InsertSliceOp::create(
          rewriter, loc, slice, padded,
          getAsIndexOpFoldResult(rewriter.getContext(), offsets),
          tensor::getMixedSizes(rewriter, loc, slice),
          getAsIndexOpFoldResult(rewriter.getContext(), ones));
    };
    ArrayRef<int64_t> low = pad.getStaticLow();
    ArrayRef<int64_t> sourceShape = pad.getSourceType().getShape();
    for (int64_t d = 0; d < rank; ++d) {
      int64_t high = type.getDimSize(d) - low[d] - sourceShape[d];
      for (auto [offset, size] : {std::pair(int64_t(0), low[d]),
                                  std::pair(low[d] + sourceShape[d], high)}) {
        if (size == 0)
          continue;
        SmallVector<int64_t> offsets(rank, 0), shape(type.getShape());
        offsets[d] = offset;
        shape[d] = size;
        Value slab = tensor::EmptyOp::create(rewriter, loc, shape,
                                             type.getElementType());
        insert(
            linalg::FillOp::create(rewriter, loc, padding, slab).getResult(0),
            offsets);
      }
    }
    insert(pad.getSource(), low);
    rewriter.replaceOp(pad, padded);
    return success();
  }
};

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
    patterns.add<FillBorderOfPad>(&getContext(), /*benefit=*/2);
    linalg::populateDecomposePadPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    cloneSharedFills(getOperation());
  }
};

} // namespace
