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
      !isMultiplyAccumulate(generic))
    return failure();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineMap window = maps[0], filter = maps[1], out = maps[2];
  if (window.isProjectedPermutation() || !filter.isProjectedPermutation() ||
      !out.isProjectedPermutation())
    return failure();
  unsigned numLoops = op.getNumLoops();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<SmallVector<std::pair<unsigned, int64_t>>> windowTerms;
  SmallVector<bool> inWindow(numLoops, false);
  for (AffineExpr result : window.getResults()) {
    if (!getLinearTerms(result, windowTerms.emplace_back()))
      return failure();
    for (auto [dim, coefficient] : windowTerms.back())
      inWindow[dim] = true;
  }
  // A group: a parallel loop the window, the filter and the output all
  // read (the window as `g * C' + c`).
  WindowLoops loops;
  for (AffineExpr result : out.getResults()) {
    unsigned dim = cast<AffineDimExpr>(result).getPosition();
    if (inWindow[dim] && filter.isFunctionOfDim(dim) &&
        iterators[dim] == utils::IteratorType::parallel) {
      if (loops.group)
        return failure();
      loops.group = dim;
    }
  }
  // The loops the window reads plainly: alone in an index, but for the group.
  SmallVector<bool> plainInWindow(numLoops, false);
  for (ArrayRef<std::pair<unsigned, int64_t>> terms : windowTerms) {
    SmallVector<std::pair<unsigned, int64_t>> rest;
    for (auto term : terms)
      if (term.first != loops.group)
        rest.push_back(term);
    if (rest.size() == 1 && rest.front().second == 1)
      plainInWindow[rest.front().first] = true;
  }
  std::optional<unsigned> filterLoop, pixelLoop, channelLoop;
  for (AffineExpr result : out.getResults()) {
    unsigned dim = cast<AffineDimExpr>(result).getPosition();
    if (dim == loops.group)
      continue;
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
  // Only the batch may be dynamic: the loops a register tile or a window
  // spans are static.
  for (auto [dim, range] : llvm::enumerate(op.getStaticLoopRanges()))
    if (ShapedType::isDynamic(range) &&
        (!plainInWindow[dim] || filter.isFunctionOfDim(dim) ||
         dim == loops.pixel || dim == loops.row))
      return failure();
  return loops;
}
