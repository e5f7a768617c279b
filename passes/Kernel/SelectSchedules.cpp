//===- SelectSchedules.cpp - kiln-select-schedules ------------------------===//
//
// Writes a #kiln_kernel.schedule on every dispatch: the heuristic's choice,
// or the one forced with `force` (an index into the dispatch's candidates or
// a schedule attribute), which is how candidates are compiled and measured.
//
//===----------------------------------------------------------------------===//
#include "passes/Kernel/Schedules.h"
#include "passes/Passes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNSELECTSCHEDULES
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using kiln_kernel::DispatchOp;
using kiln_kernel::ScheduleAttr;

namespace {

struct KilnSelectSchedulesPass
    : kiln::impl::KilnSelectSchedulesBase<KilnSelectSchedulesPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<unsigned> forcedIndex;
    ScheduleAttr forcedSchedule;
    if (!force.empty()) {
      unsigned index;
      if (!StringRef(force).getAsInteger(10, index)) {
        forcedIndex = index;
      } else {
        forcedSchedule = dyn_cast_or_null<ScheduleAttr>(
            parseAttribute(force, &getContext()));
        if (!forcedSchedule) {
          getOperation()->emitError("kiln-select-schedules: force='")
              << force
              << "' is neither a candidate index nor a "
                 "#kiln_kernel.schedule<...> attribute";
          return signalPassFailure();
        }
      }
    }

    WalkResult result = getOperation()->walk([&](DispatchOp dispatch) {
      SmallVector<ScheduleAttr> candidates =
          kiln::enumerateSchedules(dispatch, vectorWidth);
      ScheduleAttr schedule = kiln::chooseSchedule(dispatch, vectorWidth);
      if (listCandidates) {
        InFlightDiagnostic remark =
            dispatch.emitRemark()
            << candidates.size()
            << " candidate schedules; the heuristic picks ";
        const auto *picked = llvm::find(candidates, schedule);
        if (picked == candidates.end())
          remark << "one outside them";
        else
          remark << picked - candidates.begin();
        for (auto [i, candidate] : llvm::enumerate(candidates))
          remark << "\n  " << i << ": " << candidate;
      }
      if (forcedIndex) {
        if (*forcedIndex >= candidates.size()) {
          dispatch.emitError("kiln-select-schedules: force=")
              << *forcedIndex << " but this dispatch has " << candidates.size()
              << " candidate schedules";
          return WalkResult::interrupt();
        }
        schedule = candidates[*forcedIndex];
      } else if (forcedSchedule && schedule &&
                 schedule.getStrategy() == forcedSchedule.getStrategy()) {
        // A forced schedule applies to the dispatches of its strategy.
        if (failed(kiln::verifySchedule(dispatch, forcedSchedule)))
          return WalkResult::interrupt();
        schedule = forcedSchedule;
      }
      if (schedule)
        dispatch.setScheduleAttr(schedule);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
