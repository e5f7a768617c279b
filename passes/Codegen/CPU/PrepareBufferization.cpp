//===- PrepareBufferization.cpp - kiln-prepare-bufferization --------------===//
//
// Tensor rewrites that let one-shot bufferization write results where they
// are needed instead of copying them there:
//  - a pad becomes a fill of the padded tensor and an insert_slice of its
//    source, so that eliminate-empty-tensors has the source's producer write
//    into the padded buffer instead of a buffer of its own then copied.
//    Only the border is filled, a slab per side (kiln-vectorize-copies
//    stores strided slabs a vector at a time: left to LLVM they were
//    unrolled into blocks of hundreds of memset calls);
//  - the source's later readers (a residual connection reads a block's
//    input, which the next conv reads padded) read it through a slice of
//    the padded tensor: reading the source itself after the insert_slice
//    wrote the padded buffer, bufferization gave the producer a buffer of
//    its own, copied in and out around it (two copies of every such
//    activation, run serially);
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
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNPREPAREBUFFERIZATION
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// The fill of a static empty tensor that `insert` writes a padding's
/// source into at static offsets, or null: the shape decomposed pads take.
linalg::FillOp staticPadding(tensor::InsertSliceOp insert) {
  auto fill = insert.getDest().getDefiningOp<linalg::FillOp>();
  auto empty = fill ? fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>()
                    : tensor::EmptyOp();
  if (!empty || !empty.getType().hasStaticShape() ||
      !insert.getOffsets().empty() || !insert.getSizes().empty() ||
      !insert.hasUnitStride() ||
      insert.getSourceType().getRank() != empty.getType().getRank())
    return {};
  return fill;
}

/// Redirects the readers of a padded source to a slice of the padded tensor,
/// the padding's insert_slice moved right after the source's producer where
/// the padded tensor allows, so that it comes before them all.
void readSourceFromPaddedTensor(tensor::InsertSliceOp insert,
                                DominanceInfo &dominance) {
  Operation *producer = insert.getSource().getDefiningOp();
  linalg::FillOp fill = staticPadding(insert);
  if (producer && fill && fill.getOutputs()[0].hasOneUse() &&
      dominance.properlyDominates(fill.getInputs()[0], producer)) {
    Operation *empty = fill.getOutputs()[0].getDefiningOp();
    if (!dominance.properlyDominates(empty, producer)) {
      empty->moveBefore(producer);
      fill->moveBefore(producer);
    }
    insert->moveAfter(producer);
  }
  SmallVector<OpOperand *> later;
  for (OpOperand &use : insert.getSource().getUses())
    if (dominance.properlyDominates(insert.getOperation(), use.getOwner()))
      later.push_back(&use);
  if (later.empty())
    return;
  OpBuilder builder(insert->getContext());
  builder.setInsertionPointAfter(insert);
  Value view = tensor::ExtractSliceOp::create(
      builder, insert.getLoc(), insert.getSourceType(), insert.getResult(),
      insert.getMixedOffsets(), insert.getMixedSizes(),
      insert.getMixedStrides());
  for (OpOperand *use : later)
    use->set(view);
}

/// Replaces the fill of a padded tensor, which its source's insert_slice
/// then overwrites but for the border, by fills of the border's slabs: for
/// each dimension, the part before and after the interior, within the
/// interior along the dimensions before it.
void fillOnlyBorder(tensor::InsertSliceOp insert) {
  linalg::FillOp fill = staticPadding(insert);
  if (!fill || !fill->hasOneUse())
    return;
  auto type = cast<RankedTensorType>(fill.getResultTypes()[0]);
  ArrayRef<int64_t> shape = type.getShape();
  ArrayRef<int64_t> offsets = insert.getStaticOffsets();
  ArrayRef<int64_t> sizes = insert.getStaticSizes();
  Type element = type.getElementType();
  Location loc = fill.getLoc();
  IRRewriter rewriter(fill);
  Value padded = tensor::EmptyOp::create(rewriter, loc, shape, element);
  SmallVector<int64_t> strides(shape.size(), 1);
  for (size_t d = 0; d < shape.size(); ++d) {
    for (auto [begin, end] :
         {std::make_pair(int64_t(0), offsets[d]),
          std::make_pair(offsets[d] + sizes[d], shape[d])}) {
      if (end <= begin)
        continue;
      SmallVector<int64_t> slabOffsets(offsets.take_front(d));
      SmallVector<int64_t> slabSizes(sizes.take_front(d));
      slabOffsets.push_back(begin);
      slabSizes.push_back(end - begin);
      for (size_t e = d + 1; e < shape.size(); ++e) {
        slabOffsets.push_back(0);
        slabSizes.push_back(shape[e]);
      }
      Value slab = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0],
                                          tensor::EmptyOp::create(
                                              rewriter, loc, slabSizes, element)
                                              .getResult())
                       .getResult(0);
      padded = tensor::InsertSliceOp::create(
          rewriter, loc, slab, padded, ValueRange{}, ValueRange{}, ValueRange{},
          rewriter.getDenseI64ArrayAttr(slabOffsets),
          rewriter.getDenseI64ArrayAttr(slabSizes),
          rewriter.getDenseI64ArrayAttr(strides));
    }
  }
  Operation *empty = fill.getOutputs()[0].getDefiningOp();
  rewriter.replaceOp(fill, padded);
  if (empty->use_empty())
    rewriter.eraseOp(empty);
}

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
    // The pads' insert_slices into their fills, collected before either
    // rewrite moves or replaces ops.
    SmallVector<tensor::InsertSliceOp> paddings;
    getOperation().walk([&](tensor::InsertSliceOp insert) {
      if (insert.getDest().getDefiningOp<linalg::FillOp>())
        paddings.push_back(insert);
    });
    DominanceInfo dominance(getOperation());
    for (tensor::InsertSliceOp insert : paddings) {
      readSourceFromPaddedTensor(insert, dominance);
      fillOnlyBorder(insert);
    }
    cloneSharedFills(getOperation());
  }
};

} // namespace
