//===- KernelRoots.cpp - the op a dispatch's schedule tiles ---------------===//
#include "dialects/KilnKernel/KernelRoots.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::kiln;
using kiln_kernel::DispatchOp;

bool kiln::isMatmulLike(linalg::LinalgOp op) {
  if (!linalg::isaContractionOpInterface(op))
    return false;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  return succeeded(dims) && !dims->m.empty() && !dims->n.empty() &&
         !dims->k.empty();
}

bool kiln::isPureCopy(linalg::LinalgOp op) {
  if (isa<linalg::TransposeOp, linalg::BroadcastOp, linalg::CopyOp>(op))
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic)
    return false;
  return llvm::all_of(
      generic.getBody()->without_terminator(), [](Operation &inner) {
        return isa<linalg::IndexOp, tensor::ExtractOp>(inner) ||
               llvm::all_of(inner.getResultTypes(),
                            [](Type t) { return t.isIntOrIndex(); });
      });
}

FailureOr<ScheduleRoot> kiln::getScheduleRoot(DispatchOp dispatch) {
  Operation *terminator = dispatch.getTerminator();
  if (terminator->getNumOperands() == 0)
    return failure();
  auto tail = terminator->getOperand(0).getDefiningOp<linalg::LinalgOp>();
  if (!tail || tail->getParentOp() != dispatch)
    return failure();
  bool hasReduction = false;
  // The last contraction: one computing an operand of another (attention's
  // scores) is fused into that one's tiles.
  linalg::LinalgOp contraction;
  for (Operation &op : dispatch.getBody().front()) {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp)
      continue;
    if (isMatmulLike(linalgOp))
      contraction = linalgOp;
    else if (!contraction && succeeded(matchWindowContraction(linalgOp)))
      return ScheduleRoot{linalgOp, "conv"};
    hasReduction |= linalgOp.getNumReductionLoops() > 0;
  }
  if (contraction)
    return ScheduleRoot{contraction, "contraction"};
  if (hasReduction)
    return ScheduleRoot{tail, "reduction"};
  if (tail.getNumLoops() == tail.getNumParallelLoops() &&
      isa<linalg::GenericOp, linalg::FillOp>(tail))
    return ScheduleRoot{tail, "elementwise"};
  return ScheduleRoot{tail, "generic"};
}

bool kiln::getLinearTerms(
    AffineExpr expr, SmallVectorImpl<std::pair<unsigned, int64_t>> &terms) {
  if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
    terms.push_back({dim.getPosition(), 1});
    return true;
  }
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return false;
  if (binary.getKind() == AffineExprKind::Add)
    return getLinearTerms(binary.getLHS(), terms) &&
           getLinearTerms(binary.getRHS(), terms);
  auto dim = dyn_cast<AffineDimExpr>(binary.getLHS());
  auto coefficient = dyn_cast<AffineConstantExpr>(binary.getRHS());
  if (binary.getKind() != AffineExprKind::Mul || !dim || !coefficient ||
      coefficient.getValue() <= 0)
    return false;
  terms.push_back({dim.getPosition(), coefficient.getValue()});
  return true;
}

/// Whether the body of `op` is `yield out + a * b` over f32.
static bool isMultiplyAccumulate(linalg::GenericOp op) {
  Block *body = op.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (body->getOperations().size() != 3 || yield.getNumOperands() != 1)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value out = body->getArgument(2);
  Value product = add.getLhs() == out ? add.getRhs() : add.getLhs();
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul || (add.getLhs() != out && add.getRhs() != out))
    return false;
  Value a = body->getArgument(0), b = body->getArgument(1);
  return (mul.getLhs() == a && mul.getRhs() == b) ||
         (mul.getLhs() == b && mul.getRhs() == a);
}

FailureOr<WindowLoops> kiln::matchWindowContraction(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 || !generic.hasPureTensorSemantics() ||
      !isMultiplyAccumulate(generic) ||
      llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic))
    return failure();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineMap window = maps[0], filter = maps[1], out = maps[2];
  if (window.isProjectedPermutation() || !filter.isProjectedPermutation() ||
      !out.isProjectedPermutation())
    return failure();
  // Which loops the window reads, and which of them it reads plainly.
  unsigned numLoops = op.getNumLoops();
  SmallVector<bool> inWindow(numLoops, false), plainInWindow(numLoops, false);
  for (AffineExpr result : window.getResults()) {
    SmallVector<std::pair<unsigned, int64_t>> terms;
    if (!getLinearTerms(result, terms))
      return failure();
    for (auto [dim, coefficient] : terms)
      inWindow[dim] = true;
    if (auto dim = dyn_cast<AffineDimExpr>(result))
      plainInWindow[dim.getPosition()] = true;
  }
  WindowLoops loops;
  std::optional<unsigned> filterLoop, pixelLoop, channelLoop;
  for (AffineExpr result : out.getResults()) {
    unsigned dim = cast<AffineDimExpr>(result).getPosition();
    if (!inWindow[dim]) {
      if (loops.filterBlock)
        return failure();
      if (filterLoop)
        loops.filterBlock = *filterLoop;
      filterLoop = dim;
    } else {
      if (pixelLoop && !plainInWindow[*pixelLoop])
        loops.row = *pixelLoop;
      pixelLoop = dim;
    }
  }
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned dim = 0; dim < numLoops; ++dim)
    if (iterators[dim] == utils::IteratorType::reduction &&
        plainInWindow[dim] && filter.isFunctionOfDim(dim))
      channelLoop = dim;
  if (!filterLoop || !pixelLoop || !channelLoop ||
      !filter.isFunctionOfDim(*filterLoop) ||
      (loops.filterBlock && !filter.isFunctionOfDim(*loops.filterBlock)))
    return failure();
  loops.pixel = *pixelLoop;
  loops.filter = *filterLoop;
  loops.channel = *channelLoop;
  return loops;
}
