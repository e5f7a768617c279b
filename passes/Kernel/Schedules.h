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
  /// "contraction", "reduction", "elementwise" or "generic".
  StringRef strategy;
};

/// The contraction of `dispatch` if it has one, else the op computing its
/// result; failure when that is not a linalg op with static tile-able loops.
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

/// The default vector tile of `op`: its innermost parallel loop one vector
/// (of the largest power of two <= `vectorWidth` dividing it), reductions
/// whole up to 256 elements and tiled by 1 beyond, other loops 1.
SmallVector<int64_t> defaultVector(linalg::LinalgOp op, int64_t vectorWidth);

/// The largest power of two <= `limit` that divides `extent`; 1 for dynamic
/// extents.
int64_t dividingTile(int64_t extent, int64_t limit);

} // namespace mlir::kiln

#endif // KILN_PASSES_KERNEL_SCHEDULES_H
