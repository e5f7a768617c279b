//===- ReportSlowPaths.cpp - kiln-report-slow-paths -----------------------===//
//
// Flags every dispatch whose schedule leaves it on a slow path, and says
// why: no schedule, a contraction
// that is not register-tiled (dynamic extents send it down the reduction
// path), a one-element register tile or a convolution's register tile of
// one output pixel (no register tile size divides the extents), an
// untiled contraction or convolution, or an unvectorized loop nest. Each is a
// warning on the dispatch, so that `kiln-compile
// --kiln-explain` users and tests see the performance cliffs by name.
//
//===----------------------------------------------------------------------===//
#include "dialects/KilnKernel/KernelRoots.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/STLExtras.h"

#include <string>

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNREPORTSLOWPATHS
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using kiln_kernel::DispatchOp;
using kiln_kernel::ScheduleAttr;

namespace {

/// The largest parallel extent a contraction may leave without level-1
/// tiles before that is a slow path (one tile of it stays in L1).
constexpr int64_t kMaxUntiledExtent = 64;

/// "loop 1 (extent 23), loop 2 (dynamic)".
std::string describeLoops(ArrayRef<int64_t> ranges, ArrayRef<unsigned> loops) {
  std::string text;
  for (unsigned loop : loops) {
    if (!text.empty())
      text += ", ";
    text += "loop " + std::to_string(loop) +
            (ShapedType::isDynamic(ranges[loop])
                 ? std::string(" (dynamic)")
                 : " (extent " + std::to_string(ranges[loop]) + ")");
  }
  return text;
}

/// Why `dispatch` runs slowly, or an empty string.
std::string findSlowPath(DispatchOp dispatch) {
  ScheduleAttr schedule = dispatch.getScheduleAttr();
  FailureOr<kiln::ScheduleRoot> root = kiln::getScheduleRoot(dispatch);
  if (!schedule || failed(root))
    return "no schedule: its result is not computed by a linalg op with "
           "tile-able loops, so it is compiled by the generic path";
  linalg::LinalgOp op = root->op;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (schedule.getStrategy() == "reduction") {
    // A contraction whose extents are dynamic is not register-tiled.
    for (Operation &inner : dispatch.getBody().front())
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(inner);
          linalgOp && kiln::isMatmulLike(linalgOp))
        return "a contraction with dynamic extents (" +
               describeLoops(linalgOp.getStaticLoopRanges(),
                             llvm::to_vector(llvm::seq<unsigned>(
                                 0, linalgOp.getNumLoops()))) +
               ") is compiled as a reduction, without a register tile";
  }
  ArrayRef<int64_t> vector = schedule.getVector();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> oneWide, parallel;
  for (auto [loop, iterator] : llvm::enumerate(iterators)) {
    if (iterator != utils::IteratorType::parallel)
      continue;
    parallel.push_back(loop);
    if (loop < vector.size() && vector[loop] == 1 && ranges[loop] != 1)
      oneWide.push_back(loop);
  }
  bool tiledContraction = schedule.getStrategy() == "contraction" ||
                          schedule.getStrategy() == "conv";
  // Loops of extent 1 hold no work; the others all one wide is one element.
  bool oneElement =
      !oneWide.empty() && llvm::all_of(parallel, [&](unsigned loop) {
        return ranges[loop] == 1 || llvm::is_contained(oneWide, loop);
      });
  if (oneElement)
    return std::string(tiledContraction ? "a one-element register tile"
                                        : "an unvectorized loop nest") +
           ": " + describeLoops(ranges, oneWide) + " get register tiles of 1";
  // A convolution's register tile holds pixels of one output row.
  if (schedule.getStrategy() == "conv") {
    FailureOr<kiln::WindowLoops> loops = kiln::matchWindowContraction(op);
    if (succeeded(loops) && loops->pixel < vector.size() &&
        vector[loops->pixel] == 1 && ranges[loops->pixel] > 1)
      return "register tiles of one output pixel: " +
             describeLoops(ranges, {loops->pixel}) +
             " (output pixels of a row)";
  }
  if (tiledContraction && !schedule.getThreads() &&
      llvm::all_of(schedule.getTiles(), [](int64_t t) { return t == 0; }) &&
      llvm::any_of(parallel, [&](unsigned loop) {
        return ShapedType::isDynamic(ranges[loop]) ||
               ranges[loop] > kMaxUntiledExtent;
      }))
    return "an untiled " + schedule.getStrategy().str() +
           ": no level-1 tiles over " + describeLoops(ranges, parallel);
  return "";
}

struct KilnReportSlowPathsPass
    : kiln::impl::KilnReportSlowPathsBase<KilnReportSlowPathsPass> {
  using Base::Base;

  void runOnOperation() override {
    bool any = false;
    getOperation()->walk([&](DispatchOp dispatch) {
      std::string why = findSlowPath(dispatch);
      if (why.empty())
        return;
      any = true;
      dispatch.emitWarning("slow path: dispatch '")
          << dispatch.getKind() << "': " << why;
    });
    if (any && failOnSlowPath)
      signalPassFailure();
  }
};

} // namespace
