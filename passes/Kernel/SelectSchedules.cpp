//===- SelectSchedules.cpp - kiln-select-schedules ------------------------===//
//
// Writes a #kiln_kernel.schedule on every dispatch: the pick of the cost
// model (learned, analytical) or of the heuristic, the one recorded in the
// tuning database, or the one forced with `force` (an index into the
// dispatch's candidates or a schedule attribute), which is how candidates
// are compiled and measured.
//
//===----------------------------------------------------------------------===//
#include "costmodel/TuningDatabase.h"
#include "dialects/KilnKernel/KernelExtraction.h"
#include "passes/Kernel/RankSchedules.h"
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

/// Candidates an explanation lists.
constexpr size_t kExplainedCandidates = 5;

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
    // A forced schedule needs no cost model.
    if (force.empty() && failed(setUpCostModel()))
      return signalPassFailure();

    WalkResult result = getOperation()->walk([&](DispatchOp dispatch) {
      SmallVector<ScheduleAttr> candidates =
          kiln::enumerateSchedules(dispatch, vectorWidth);
      ScheduleAttr heuristic = kiln::chooseSchedule(dispatch, vectorWidth);
      if (listCandidates)
        listAll(dispatch, candidates, heuristic);
      ScheduleAttr schedule = heuristic;
      if (forcedIndex) {
        if (*forcedIndex >= candidates.size()) {
          dispatch.emitError("kiln-select-schedules: force=")
              << *forcedIndex << " but this dispatch has " << candidates.size()
              << " candidate schedules";
          return WalkResult::interrupt();
        }
        schedule = candidates[*forcedIndex];
      } else if (forcedSchedule) {
        // A forced schedule applies to the dispatches of its strategy.
        if (schedule &&
            schedule.getStrategy() == forcedSchedule.getStrategy()) {
          if (failed(kiln::verifySchedule(dispatch, forcedSchedule)))
            return WalkResult::interrupt();
          schedule = forcedSchedule;
        }
      } else if (ScheduleAttr tuned = lookUpTuned(dispatch)) {
        schedule = tuned;
      } else if (model && heuristic) {
        schedule = pickByModel(dispatch, candidates, heuristic);
      }
      if (schedule)
        dispatch.setScheduleAttr(schedule);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

private:
  LogicalResult setUpCostModel() {
    FailureOr<kiln::CostModelChoice> choice = kiln::parseCostModelOptions(
        getOperation(), "kiln-select-schedules", costModel, targetName);
    if (failed(choice))
      return failure();
    target = choice->target;
    if (!tuningDatabase.empty()) {
      llvm::Expected<kiln::costmodel::TuningDatabase> opened =
          kiln::costmodel::TuningDatabase::open(tuningDatabase);
      if (!opened)
        getOperation()->emitWarning(llvm::toString(opened.takeError()) +
                                    "; ignoring it");
      else
        database = std::move(*opened);
    }
    kiln::ResolvedCostModel resolved =
        kiln::resolveCostModel(choice->selector, target, costModelPath);
    model = std::move(resolved.model);
    if (!resolved.note.empty()) {
      if (resolved.noteIsWarning)
        getOperation()->emitWarning(resolved.note);
      else if (explain || choice->selector != kiln::ScheduleSelector::Default)
        getOperation()->emitRemark(resolved.note);
      else
        noteOnce(resolved.note);
    }
    if (explain)
      getOperation()->emitRemark("kiln-select-schedules: ")
          << (model ? model->describe() : std::string("the heuristic"))
          << " picks the schedules";
    return success();
  }

  /// Says `note` on the first module of the process only: compiling many
  /// models should not repeat that no learned model exists.
  void noteOnce(StringRef note) {
    static std::once_flag once;
    std::call_once(once, [&] { getOperation()->emitRemark(note); });
  }

  /// A stale entry (the kernel changed shape) is ignored, not fatal.
  bool isStillLegal(DispatchOp dispatch, ScheduleAttr schedule) {
    ScopedDiagnosticHandler silence(&getContext(),
                                    [](Diagnostic &) { return success(); });
    return succeeded(kiln::verifySchedule(dispatch, schedule));
  }

  ScheduleAttr lookUpTuned(DispatchOp dispatch) {
    if (!database || !database->size())
      return {};
    std::string hash = kiln_kernel::hashDispatch(dispatch);
    std::optional<kiln::costmodel::TunedSchedule> tuned =
        database->lookup(target.name, hash);
    if (!tuned)
      return {};
    auto schedule = dyn_cast_or_null<ScheduleAttr>(
        parseAttribute(tuned->schedule, &getContext()));
    if (!schedule || !isStillLegal(dispatch, schedule))
      return {};
    if (explain)
      dispatch.emitRemark("kernel ")
          << hash << ": the tuning database's schedule " << schedule
          << ", measured " << kiln::formatLatency(tuned->latency)
          << " (best of " << tuned->measured << ")";
    return schedule;
  }

  ScheduleAttr pickByModel(DispatchOp dispatch,
                           ArrayRef<ScheduleAttr> candidates,
                           ScheduleAttr heuristic) {
    SmallVector<kiln::RankedSchedule> ranked =
        kiln::rankCandidates(dispatch, candidates, heuristic, *model);
    if (ranked.empty())
      return heuristic;
    if (explain) {
      InFlightDiagnostic remark = dispatch.emitRemark();
      remark << "dispatch '" << dispatch.getKind() << "': " << candidates.size()
             << " candidates, " << ranked.size() << " ranked by the "
             << kiln::costmodel::stringifyCostModelKind(model->getKind())
             << " model"
             << (model->getKind() == kiln::costmodel::CostModelKind::Learned
                     ? " (the analytical model's best and the heuristic's)"
                     : "");
      for (size_t i = 0; i < std::min(ranked.size(), kExplainedCandidates); ++i)
        remark << "\n  " << (i == 0 ? "pick " : "     ") << " #"
               << ranked[i].index << " " << ranked[i].schedule << "  predicted "
               << kiln::formatLatency(ranked[i].latencySeconds);
      const auto *chosen =
          llvm::find_if(ranked, [&](const kiln::RankedSchedule &r) {
            return r.schedule == heuristic;
          });
      if (chosen != ranked.end())
        remark << "\n  heuristic's choice #" << chosen->index << " "
               << heuristic << "  predicted "
               << kiln::formatLatency(chosen->latencySeconds) << " (rank "
               << (chosen - ranked.begin()) + 1 << ")";
      else
        remark << "\n  heuristic's choice " << heuristic
               << " is not among the ranked candidates";
    }
    return ranked.front().schedule;
  }

  void listAll(DispatchOp dispatch, ArrayRef<ScheduleAttr> candidates,
               ScheduleAttr heuristic) {
    InFlightDiagnostic remark = dispatch.emitRemark()
                                << candidates.size()
                                << " candidate schedules; the heuristic picks ";
    const auto *picked = llvm::find(candidates, heuristic);
    if (picked == candidates.end())
      remark << "one outside them";
    else
      remark << picked - candidates.begin();
    for (auto [i, candidate] : llvm::enumerate(candidates))
      remark << "\n  " << i << ": " << candidate;
  }

  kiln::costmodel::Target target;
  // Shared: a pass is copied when its pipeline is cloned.
  std::shared_ptr<kiln::costmodel::CostModel> model;
  std::optional<kiln::costmodel::TuningDatabase> database;
};

} // namespace
