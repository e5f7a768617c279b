//===- WidenReductionAccumulators.cpp - kiln-widen-reduction-accumulators -===//
//
// A reduction tiled along its reduced dimension is a loop whose iterations
// each reduce one vector tile into a narrow accumulator (16 rows x 16
// columns into 16 row sums). Reducing a tile across its columns takes a
// register transpose, or a chain of scalar ops, on every iteration. With an
// accumulator as wide as the tile, each iteration is one elementwise op and
// the columns are reduced once, after the loop.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNWIDENREDUCTIONACCUMULATORS
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// The element that leaves any value unchanged under `kind`, or null for
/// the kinds this pass leaves alone (integer and bitwise ones).
TypedAttr identityOf(vector::CombiningKind kind, Type elementType) {
  auto floatType = dyn_cast<FloatType>(elementType);
  if (!floatType)
    return {};
  const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
  switch (kind) {
  case vector::CombiningKind::ADD:
    return FloatAttr::get(floatType, APFloat::getZero(semantics, true));
  case vector::CombiningKind::MUL:
    return FloatAttr::get(floatType, APFloat::getOne(semantics));
  case vector::CombiningKind::MAXIMUMF:
  case vector::CombiningKind::MAXNUMF:
    return FloatAttr::get(floatType, APFloat::getInf(semantics, true));
  case vector::CombiningKind::MINIMUMF:
  case vector::CombiningKind::MINNUMF:
    return FloatAttr::get(floatType, APFloat::getInf(semantics, false));
  default:
    return {};
  }
}

/// Rewrites a loop-carried reduction
///   scf.for ... iter_args(%acc = %init) {
///     %r = vector.multi_reduction <kind>, %tile, %acc [dims]
///     scf.yield %r
///   }
/// into one carrying a tile-shaped accumulator, combined elementwise:
///   %wide = scf.for ... iter_args(%w = splat(identity)) {
///     scf.yield kind(%tile, %w)
///   }
///   vector.multi_reduction <kind>, %wide, %init [dims]
struct WidenLoopAccumulator : OpRewritePattern<vector::MultiDimReductionOp> {
  WidenLoopAccumulator(MLIRContext *context, int64_t maxElements)
      : OpRewritePattern(context), maxElements(maxElements) {}

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp reduction,
                                PatternRewriter &rewriter) const override {
    auto loop = dyn_cast<scf::ForOp>(reduction->getParentOp());
    auto acc = dyn_cast<BlockArgument>(reduction.getAcc());
    if (!loop || !acc || acc.getOwner() != loop.getBody() || !acc.hasOneUse() ||
        !reduction->hasOneUse())
      return failure();
    unsigned index = acc.getArgNumber() - loop.getNumInductionVars();
    OpOperand &yielded = *reduction->use_begin();
    if (yielded.getOwner() != loop.getBody()->getTerminator() ||
        yielded.getOperandNumber() != index)
      return failure();
    VectorType wideType = reduction.getSourceVectorType();
    if (wideType.isScalable() || wideType.getNumElements() > maxElements)
      return failure();
    vector::CombiningKind kind = reduction.getKind();
    TypedAttr identity = identityOf(kind, wideType.getElementType());
    if (!identity)
      return failure();

    Location loc = reduction.getLoc();
    Value tile = reduction.getSource();
    SmallVector<int64_t> dims(reduction.getReductionDims());
    // The narrow accumulator now passes through the loop unchanged.
    rewriter.replaceOp(reduction, acc);
    rewriter.setInsertionPoint(loop);
    Value wideInit = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(wideType, identity));
    FailureOr<LoopLikeOpInterface> widened = loop.replaceWithAdditionalYields(
        rewriter, wideInit, /*replaceInitOperandUsesInLoop=*/false,
        [&](OpBuilder &b, Location, ArrayRef<BlockArgument> args) {
          return SmallVector<Value>{
              vector::makeArithReduction(b, loc, kind, tile, args[0])};
        });
    if (failed(widened))
      return failure();
    auto newLoop = cast<scf::ForOp>(widened->getOperation());
    rewriter.setInsertionPointAfter(newLoop);
    Value narrow = newLoop.getResult(index);
    auto folded = vector::MultiDimReductionOp::create(
        rewriter, loc, kind, newLoop.getResults().back(), narrow, dims);
    rewriter.replaceAllUsesExcept(narrow, folded.getResult(), folded);
    return success();
  }

  int64_t maxElements;
};

struct KilnWidenReductionAccumulators
    : kiln::impl::KilnWidenReductionAccumulatorsBase<
          KilnWidenReductionAccumulators> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<WidenLoopAccumulator>(&getContext(), maxElements);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
