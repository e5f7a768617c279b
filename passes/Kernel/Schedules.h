//===- Schedules.h - the space of CPU schedules of a dispatch ---*- C++ -*-===//
//
// A schedule (#kiln_kernel.schedule) gives tile sizes per loop of a
// dispatch's root op. This file finds the root, enumerates the legal
// schedules (the space a cost model searches), and picks one by heuristic.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_KERNEL_SCHEDULES_H
#define KILN_PASSES_KERNEL_SCHEDULES_H

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

/// Every legal schedule of `dispatch` for vectors of `vectorWidth` f32.
SmallVector<kiln_kernel::ScheduleAttr>
enumerateSchedules(kiln_kernel::DispatchOp dispatch, int64_t vectorWidth);

/// The hand-written heuristic's choice (null if the dispatch has no root).
kiln_kernel::ScheduleAttr chooseSchedule(kiln_kernel::DispatchOp dispatch,
                                         int64_t vectorWidth);

/// Whether `schedule` fits the root of `dispatch`: one size per loop, tile
/// sizes dividing static loop extents. Emits the reason on failure.
LogicalResult verifySchedule(kiln_kernel::DispatchOp dispatch,
                             kiln_kernel::ScheduleAttr schedule);

/// Whether `op` is a contraction with row and column dimensions (a matmul,
/// batch matmul or im2col convolution), not a batched dot product such as
/// the sum of squares of a variance.
bool isMatmulLike(linalg::LinalgOp op);

/// Whether the body of `op` only moves data: no floating-point arithmetic
/// (a transpose, a broadcast, an im2col).
bool isPureCopy(linalg::LinalgOp op);

/// The loops of contraction `root` that its level-1 tiles must span whole:
/// those that an operand computed in the same kernel, by more than a copy,
/// does not depend on. Tiling one would compute that operand once per
/// tile.
SmallVector<unsigned> loopsKeptWhole(linalg::LinalgOp root);

/// The loops of a window contraction (a convolution computed along its
/// filters) that its schedule tiles: the output pixels of a row (`pixel`),
/// the output rows (`row`, if any), the filters within a panel (`filter`),
/// the panels (`filterBlock`, if the filters are laid out in panels) and
/// the input channels summed over (`channel`).
struct WindowLoops {
  unsigned pixel, filter, channel;
  std::optional<unsigned> row, filterBlock;
};

/// Decomposes `expr` into `sum(coefficient * dim)` terms; false when it is
/// not such a sum with positive coefficients.
bool getLinearTerms(AffineExpr expr,
                    SmallVectorImpl<std::pair<unsigned, int64_t>> &terms);

/// Whether `op` is a window contraction: a linalg.generic with static
/// loops computing out += window * filter, where the filter and output
/// maps are projected permutations and the window's map adds loops (such
/// as `oh * stride + kh`), e.g. out[n, oh, ow, f] += in[n, c, oh + kh,
/// ow + kw] * filter[kh, kw, c, f]. Its loops are returned on success.
FailureOr<WindowLoops> matchWindowContraction(linalg::LinalgOp op);

/// The default vector tile of `op`: its innermost parallel loop one vector
/// (of the largest power of two <= `vectorWidth` dividing it), reductions
/// whole up to 256 elements and tiled by 1 beyond, other loops 1. A row
/// reduction along the innermost loop, vectorized across rows, goes one
/// square block (a vector of rows x one vector) at a time. An input read
/// transposed (a transpose, the packing of A) also gets its innermost
/// dimension's loop one vector, so it is read in whole vectors and
/// transposed in registers instead of gathered; so does the row loop of an
/// op reading a per-row value over rows of at most 1024 (softmax,
/// layer-norm), which then works on a vector of rows.
SmallVector<int64_t> defaultVector(linalg::LinalgOp op, int64_t vectorWidth);

/// The largest power of two <= `limit` that divides `extent`; 1 for dynamic
/// extents.
int64_t dividingTile(int64_t extent, int64_t limit);

//===----------------------------------------------------------------------===//
// Building blocks of the candidate spaces
//===----------------------------------------------------------------------===//

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

/// Accumulator registers a register tile may use (AVX-512 has 32; the rest
/// hold the loaded operands).
constexpr int64_t kMaxAccumulators = 24;

/// Register tile rows (1..16) that divide `extent`.
SmallVector<int64_t> registerRows(int64_t extent);

/// Register tile columns (1, 2, 4 or 8 vectors of `width`) that divide
/// `extent`; a part of a vector when none does.
SmallVector<int64_t> registerColumns(int64_t extent, int64_t width);

/// Multiples `base * 2^i` of `base` that divide `extent`, up to `limit`,
/// and `extent` itself.
SmallVector<int64_t> dividingMultiples(int64_t base, int64_t extent,
                                       int64_t limit);

/// The schedules of a window contraction `root` (WindowSchedules.cpp).
SmallVector<kiln_kernel::ScheduleAttr>
enumerateWindowSchedules(linalg::LinalgOp root, const WindowLoops &loops,
                         int64_t vectorWidth);
kiln_kernel::ScheduleAttr chooseWindowSchedule(linalg::LinalgOp root,
                                               const WindowLoops &loops,
                                               int64_t vectorWidth);

} // namespace mlir::kiln

#endif // KILN_PASSES_KERNEL_SCHEDULES_H
