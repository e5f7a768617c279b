//===- TilingUtils.h - tile and vectorize one op ----------------*- C++ -*-===//
#ifndef KILN_PASSES_CODEGEN_CPU_TILINGUTILS_H
#define KILN_PASSES_CODEGEN_CPU_TILINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kiln {

/// Tiles `op` by `sizes` (0 = not tiled) into scf.for loops, in the order
/// `interchange` gives (default: loop order), and replaces it; returns the
/// tile (`op` itself when every size is 0), or null if tiling fails.
Operation *tileWithLoops(RewriterBase &rewriter, Operation *op,
                         ArrayRef<int64_t> sizes,
                         ArrayRef<int64_t> interchange = {});

/// Tiles `op` as tileWithLoops does where `sizes` need not divide its loop
/// extents: each loop a size does not divide is peeled, so that its full
/// tiles have the static size and one last tile takes the remainder (of
/// static size when the extent is static; a dynamic remainder is tiled
/// again by 1 along those loops). A static remainder longer than a vector
/// of `vectorWidth` goes as whole vectors and a shorter remainder: LLVM
/// splits a vector of 29 f32 into single elements. Returns every tile, or
/// nothing if tiling fails. When `fills` is given, a linalg.fill
/// initializing `op` is fused into each tile and the tiles' fills are
/// appended to it.
SmallVector<linalg::LinalgOp>
tileWithRemainders(RewriterBase &rewriter, linalg::LinalgOp op,
                   ArrayRef<int64_t> sizes, int64_t vectorWidth,
                   ArrayRef<int64_t> interchange = {},
                   SmallVectorImpl<linalg::FillOp> *fills = nullptr);

/// Tiles `op`, whose init is a linalg.fill, as tileWithLoops does, with
/// each tile filling its own slice of the init; returns the tile and that
/// fill (null if the fill was not fused), or failure, in which case `op` is
/// left as it was. Nothing else is fused.
FailureOr<std::pair<linalg::LinalgOp, linalg::FillOp>>
tileAndFuseFill(RewriterBase &rewriter, linalg::LinalgOp op,
                ArrayRef<int64_t> sizes, ArrayRef<int64_t> interchange = {});

/// LLVM keeps a vector of i1 in memory as packed bits, but an i1 tensor has
/// a byte per element: ops that read or write one stay scalar.
bool readsOrWritesBooleans(Operation *op);

/// Vectorizes the linalg op `op` and replaces it, unless it works on
/// booleans or the vectorizer rejects it. A contraction becomes a
/// vector.contract (lowered later to outer products: broadcast + FMA);
/// tensor.extract becomes loads or gathers.
LogicalResult vectorizeLinalgOp(RewriterBase &rewriter, Operation *op);

/// `value` (a ranked tensor) with its dimensions permuted as
/// linalg.transpose does (result dimension i is dimension
/// `permutation[i]`): a new constant when `value` is an f32 or splat
/// constant, else a linalg.transpose.
Value permute(RewriterBase &rewriter, Location loc, Value value,
              ArrayRef<int64_t> permutation);

/// `value` of shape [.., d, ..] with dimension `dim` split in two (d /
/// `inner`, `inner`): a reshaped constant, else a tensor.expand_shape.
Value splitDim(RewriterBase &rewriter, Location loc, Value value, int64_t dim,
               int64_t inner);

} // namespace mlir::kiln

#endif // KILN_PASSES_CODEGEN_CPU_TILINGUTILS_H
