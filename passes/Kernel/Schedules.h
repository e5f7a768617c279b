//===- Schedules.h - the space of CPU schedules of a dispatch ---*- C++ -*-===//
//
// A schedule (#kiln_kernel.schedule) gives tile sizes per loop of a
// dispatch's root op. This file finds the root, enumerates the legal
// schedules (the space a cost model searches), and picks one by heuristic.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_KERNEL_SCHEDULES_H
#define KILN_PASSES_KERNEL_SCHEDULES_H

#include "dialects/KilnKernel/KernelRoots.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::kiln {

/// Every legal schedule of `dispatch` for vectors of `vectorWidth` f32.
SmallVector<kiln_kernel::ScheduleAttr>
enumerateSchedules(kiln_kernel::DispatchOp dispatch, int64_t vectorWidth);

/// The hand-written heuristic's choice (null if the dispatch has no root).
kiln_kernel::ScheduleAttr chooseSchedule(kiln_kernel::DispatchOp dispatch,
                                         int64_t vectorWidth);

/// Whether `schedule` fits the root of `dispatch`: one size per loop,
/// level-1 tiles dividing static loop extents (register tiles need not: the
/// codegen peels their remainder). Emits the reason on failure.
LogicalResult verifySchedule(kiln_kernel::DispatchOp dispatch,
                             kiln_kernel::ScheduleAttr schedule);

/// The loops of contraction `root` that its level-1 tiles must span whole:
/// those that an operand computed in the same kernel, by more than a copy,
/// does not depend on. Tiling one would compute that operand once per
/// tile.
SmallVector<unsigned> loopsKeptWhole(linalg::LinalgOp root);

/// The default vector tile of `op`: its innermost parallel loop one vector
/// (registerColumnTile: a remainder tile where the vector does not divide
/// it, the whole loop where it is shorter than a vector), reductions
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

/// Accumulator registers a register tile may use (AVX-512 has 32; the rest
/// hold the loaded operands).
constexpr int64_t kMaxAccumulators = 24;

/// Register tile rows (1..16) for a loop of `extent`: those dividing it,
/// and those leaving a remainder tile (all for a dynamic extent).
SmallVector<int64_t> registerRows(int64_t extent);

/// Register tile columns (1, 2, 4 or 8 vectors of `width`) up to `extent`,
/// dividing it or leaving a remainder tile; the whole extent when it is
/// less than a vector.
SmallVector<int64_t> registerColumns(int64_t extent, int64_t width);

/// The register tile columns, at most `limit`, for a loop of `extent`: the
/// largest power of two dividing it if that is a whole vector at least,
/// else whole vectors and a remainder tile, or the whole extent when it is
/// less than a vector.
int64_t registerColumnTile(int64_t extent, int64_t width, int64_t limit);

/// The register tile rows for a loop of `extent`, from `preferred`
/// (descending): the largest dividing it, from 4 rows up; else the whole
/// loop if it has at most the most rows; else the size leaving the fewest
/// tiles, the last one partial. 8 rows (at most) for a dynamic extent.
int64_t chooseRegisterRows(int64_t extent, ArrayRef<int64_t> preferred);

/// The largest divisor of `extent` that is at most `limit`.
int64_t largestDivisorAtMost(int64_t extent, int64_t limit);

/// Tiles of `size` a loop of `extent` runs, the last one partial (1 for a
/// dynamic extent or a whole loop, size 0).
int64_t remainderTiles(int64_t extent, int64_t size);

/// Multiples `base * 2^i` of `base` that divide `extent`, up to `limit`,
/// and `extent` itself (0, whole, for a dynamic extent).
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
