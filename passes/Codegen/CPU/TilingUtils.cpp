//===- TilingUtils.cpp - tile and vectorize one op ------------------------===//
#include "passes/Codegen/CPU/TilingUtils.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;

Operation *kiln::tileWithLoops(RewriterBase &rewriter, Operation *op,
                               ArrayRef<int64_t> sizes,
                               ArrayRef<int64_t> interchange) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return op;
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  options.setInterchange(interchange);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), options);
  if (failed(tiled) || tiled->tiledOps.empty())
    return nullptr;
  rewriter.replaceOp(op, tiled->replacements);
  return tiled->tiledOps.back();
}

bool kiln::readsOrWritesBooleans(Operation *op) {
  return llvm::any_of(op->getOperandTypes(), [](Type type) {
    return getElementTypeOrSelf(type).isInteger(1);
  });
}

LogicalResult kiln::vectorizeLinalgOp(RewriterBase &rewriter, Operation *op) {
  if (readsOrWritesBooleans(op) || failed(linalg::vectorizeOpPrecondition(op)))
    return failure();
  rewriter.setInsertionPoint(op);
  bool contraction =
      linalg::isaContractionOpInterface(cast<linalg::LinalgOp>(op));
  FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
      rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
      /*vectorizeNDExtract=*/true, /*flatten1DDepthwiseConv=*/false,
      /*assumeDynamicDimsMatchVecSizes=*/false,
      /*createNamedContraction=*/contraction);
  if (failed(vectorized))
    return failure();
  if (op->getNumResults())
    rewriter.replaceOp(op, vectorized->replacements);
  else
    rewriter.eraseOp(op);
  return success();
}
