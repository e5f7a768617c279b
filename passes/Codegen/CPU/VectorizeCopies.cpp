//===- VectorizeCopies.cpp - kiln-vectorize-copies ------------------------===//
//
// Bufferization leaves memref.copy ops (the interior of a padded tensor, a
// slice inserted into a larger one). Upstream lowers a strided one to a call
// of the runtime's generic memrefCopy, which moves one element per
// iteration of an N-d index loop; this rewrites strided copies whose rows
// are static (the outer dimensions may be dynamic: a dynamic batch) as loops
// over rows that move a vector at a time. Contiguous copies (static, or
// between identity layouts) stay memref.copy (a memcpy). Fills of a non-zero
// value (a max pool's -inf padding, made by bufferization) get the same loops,
// storing a vector at a time: left to LLVM, the fill of a 26 MB padded buffer
// was vectorized across rows, into scatters. So do strided zero fills (the
// border slabs of a padded buffer); contiguous zero fills stay linalg.fill (a
// memset).
//
//===----------------------------------------------------------------------===//
#include "passes/Kernel/Schedules.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/Matchers.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNVECTORIZECOPIES
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Whether `type` has a static innermost dimension with unit stride (its
/// other dimensions may be dynamic).
bool hasUnitInnerStride(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return type.getRank() > 0 && !type.isDynamicDim(type.getRank() - 1) &&
         succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// Loops over the rows of `memref`, the innermost stepping by `width`;
/// returns their induction variables and leaves `builder` in the innermost.
SmallVector<Value> buildRowLoops(OpBuilder &builder, Location loc, Value memref,
                                 int64_t width) {
  ArrayRef<int64_t> shape = cast<MemRefType>(memref.getType()).getShape();
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  SmallVector<Value> indices;
  for (auto [d, size] : llvm::enumerate(shape)) {
    Value step = arith::ConstantIndexOp::create(
        builder, loc, d + 1 == shape.size() ? width : 1);
    Value upper =
        ShapedType::isDynamic(size)
            ? memref::DimOp::create(builder, loc, memref, d).getResult()
            : arith::ConstantIndexOp::create(builder, loc, size).getResult();
    auto loop = scf::ForOp::create(builder, loc, zero, upper, step);
    builder.setInsertionPointToStart(loop.getBody());
    indices.push_back(loop.getInductionVar());
  }
  return indices;
}

/// Whether elements of `type` are vectorized here (not booleans, which
/// LLVM packs into bits).
bool isVectorElement(Type type) {
  return type.isIntOrFloat() && !type.isInteger(1);
}

struct KilnVectorizeCopiesPass
    : kiln::impl::KilnVectorizeCopiesBase<KilnVectorizeCopiesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    for (memref::CopyOp copy : copies)
      vectorizeCopy(copy);
    SmallVector<linalg::FillOp> fills;
    getOperation().walk([&](linalg::FillOp fill) { fills.push_back(fill); });
    for (linalg::FillOp fill : fills)
      vectorizeFill(fill);
  }

  void vectorizeFill(linalg::FillOp fill) {
    auto target = dyn_cast<MemRefType>(fill.getOutputs()[0].getType());
    if (!target || !target.hasStaticShape() || !hasUnitInnerStride(target) ||
        !isVectorElement(target.getElementType()))
      return;
    bool zero = matchPattern(fill.value(), m_AnyZeroFloat()) ||
                matchPattern(fill.value(), m_Zero());
    if (zero && memref::isStaticShapeAndContiguousRowMajor(target))
      return;
    int64_t width = kiln::dividingTile(target.getShape().back(), vectorWidth);
    OpBuilder builder(fill);
    Location loc = fill.getLoc();
    Value row = vector::BroadcastOp::create(
        builder, loc, VectorType::get({width}, target.getElementType()),
        fill.value());
    SmallVector<Value> indices =
        buildRowLoops(builder, loc, fill.getOutputs()[0], width);
    vector::TransferWriteOp::create(builder, loc, row, fill.getOutputs()[0],
                                    indices, ArrayRef<bool>{true});
    fill.erase();
  }

  void vectorizeCopy(memref::CopyOp copy) {
    auto source = dyn_cast<MemRefType>(copy.getSource().getType());
    auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
    if (!source || !target || source.getShape() != target.getShape() ||
        !hasUnitInnerStride(source) || !hasUnitInnerStride(target) ||
        !isVectorElement(source.getElementType()) ||
        (memref::isStaticShapeAndContiguousRowMajor(source) &&
         memref::isStaticShapeAndContiguousRowMajor(target)) ||
        (source.getLayout().isIdentity() && target.getLayout().isIdentity()))
      return;
    ArrayRef<int64_t> shape = source.getShape();
    int64_t width = kiln::dividingTile(shape.back(), vectorWidth);
    auto vectorType = VectorType::get({width}, source.getElementType());

    OpBuilder builder(copy);
    Location loc = copy.getLoc();
    SmallVector<Value> indices =
        buildRowLoops(builder, loc, copy.getSource(), width);
    SmallVector<bool> inBounds = {true};
    Value row = vector::TransferReadOp::create(
        builder, loc, vectorType, copy.getSource(), indices,
        /*padding=*/std::nullopt, inBounds);
    vector::TransferWriteOp::create(builder, loc, row, copy.getTarget(),
                                    indices, inBounds);
    copy.erase();
  }
};

} // namespace
