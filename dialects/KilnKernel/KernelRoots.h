//===- KernelRoots.h - the op a dispatch's schedule tiles -------*- C++ -*-===//
//
// Which op of a kiln_kernel.dispatch its schedule tiles (the root) and how
// its loops map onto a register tile. Both the schedule space (passes) and
// the cost model's features (costmodel) read the dispatch this way.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILNKERNEL_KERNELROOTS_H
#define KILN_DIALECTS_KILNKERNEL_KERNELROOTS_H

#include "dialects/KilnKernel/KilnKernel.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::kiln {

/// The op whose loops a dispatch's schedule tiles, and how it is compiled.
struct ScheduleRoot {
  linalg::LinalgOp op;
  /// "contraction", "conv", "reduction", "elementwise" or "generic".
  StringRef strategy;
};

/// The last contraction of `dispatch` if it has one, else the op computing
/// its result; failure when that is not a linalg op with static tile-able
/// loops.
FailureOr<ScheduleRoot> getScheduleRoot(kiln_kernel::DispatchOp dispatch);

/// Whether `op` is a contraction with row and column dimensions (a matmul,
/// batch matmul or im2col convolution), not a batched dot product such as
/// the sum of squares of a variance.
bool isMatmulLike(linalg::LinalgOp op);

/// Whether the body of `op` only moves data: no floating-point arithmetic
/// (a transpose, a broadcast, an im2col).
bool isPureCopy(linalg::LinalgOp op);

/// The loops of a window contraction (a convolution computed along its
/// filters) that its schedule tiles: the output pixels of a row (`pixel`),
/// the output rows (`row`, if any), the filters within a panel (`filter`),
/// the panels (`filterBlock`, if the filters are laid out in panels), the
/// input channels summed over (`channel`) and, for a grouped convolution,
/// the groups (`group`: each convolves its own channels with its own filters).
struct WindowLoops {
  unsigned pixel, filter, channel;
  std::optional<unsigned> row, filterBlock, group;
};

/// Decomposes `expr` into `sum(coefficient * dim)` terms; false when it is
/// not such a sum with positive coefficients.
bool getLinearTerms(AffineExpr expr,
                    SmallVectorImpl<std::pair<unsigned, int64_t>> &terms);

/// Whether `op` is a window contraction: a linalg.generic with static
/// loops (but for the batch) computing out += window * filter, where the
/// filter and output maps are projected permutations and the window's map
/// adds loops (such as `oh * stride + kh`), e.g.
///   out[n, oh, ow, f] += in[n, c, oh + kh, ow + kw] * filter[kh, kw, c, f]
/// or, grouped,
///   out[n, oh, ow, g, f] += in[n, g * C' + c, oh + kh, ow + kw] *
///                           filter[g, kh, kw, c, f].
/// Its loops are returned on success.
FailureOr<WindowLoops> matchWindowContraction(linalg::LinalgOp op);

/// Bytes of A's rows a packed level-1 tile reads (its rows times the whole
/// row length, as they lie in memory) up to which the codegen reads A in
/// place rather than packing it: 128 pages, which the TLB holds. Reading in
/// place saves a copy of A per column tile (1024 x 768 x 256, 1 thread: 9%
/// faster); a 256-row tile of 2048-long rows (2 MB) was 7% slower in place.
constexpr int64_t kMaxInPlaceABytes = 512 * 1024;

/// Whether a packed level-1 tile of `rows` rows of f32 A, each `rowLength`
/// long, copies A into panels (beyond kMaxInPlaceABytes) or reads it in place.
inline bool packsA(int64_t rows, int64_t rowLength) {
  return rows * rowLength * (int64_t)sizeof(float) > kMaxInPlaceABytes;
}

} // namespace mlir::kiln

#endif // KILN_DIALECTS_KILNKERNEL_KERNELROOTS_H
