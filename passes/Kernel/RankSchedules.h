//===- RankSchedules.h - candidates ordered by a cost model -----*- C++ -*-===//
//
// How kiln-select-schedules and kiln-compile --tune choose among a
// dispatch's candidate schedules: the cost model predicts each one's
// latency; the candidates that keep the target's cores busy (when there are
// any) are ranked by it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_KERNEL_RANKSCHEDULES_H
#define KILN_PASSES_KERNEL_RANKSCHEDULES_H

#include "costmodel/CostModel.h"
#include "dialects/KilnKernel/KilnKernel.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir::kiln {

/// Who picks a dispatch's schedule.
enum class ScheduleSelector { Default, Learned, Analytical, Heuristic };

/// Parses "default", "learned", "analytical" or "heuristic".
std::optional<ScheduleSelector> parseScheduleSelector(StringRef name);

struct RankedSchedule {
  kiln_kernel::ScheduleAttr schedule;
  /// Its index among the dispatch's candidates.
  unsigned index;
  double latencySeconds;
};

/// The candidates the model chooses among, fastest first.
SmallVector<RankedSchedule>
rankSchedules(kiln_kernel::DispatchOp dispatch,
              ArrayRef<kiln_kernel::ScheduleAttr> candidates,
              const costmodel::CostModel &model);

/// How many of the analytical model's best candidates the learned model
/// chooses among (with the heuristic's choice).
constexpr size_t kLearnedShortlist = 8;

/// The candidates a cost model chooses among, fastest first: all of them
/// for the analytical model; for the learned one the analytical model's
/// kLearnedShortlist best and `heuristic`. The learned model's data are a
/// sample of each kernel's candidates around those picks; over the whole
/// space it extrapolates (on resnet18's convolutions it preferred
/// two-channel blocks, predicted 15-30% faster; the model ran 27% slower).
SmallVector<RankedSchedule>
rankCandidates(kiln_kernel::DispatchOp dispatch,
               ArrayRef<kiln_kernel::ScheduleAttr> candidates,
               kiln_kernel::ScheduleAttr heuristic,
               const costmodel::CostModel &model);

/// The cost model `selector` asks for on `target` (null for the
/// heuristic). A learned model that cannot be used falls back to the
/// analytical one; `note` then says why (a warning when the learned model
/// was asked for by name, a remark for the default).
struct ResolvedCostModel {
  std::unique_ptr<costmodel::CostModel> model;
  std::string note;
  bool noteIsWarning = false;
};
ResolvedCostModel resolveCostModel(ScheduleSelector selector,
                                   const costmodel::Target &target,
                                   StringRef learnedModelPath);

/// "12.34 us" or "1.234 ms".
std::string formatLatency(double seconds);

/// The predicted one-core latency of `dispatch` under the best of its
/// candidate schedules (rankCandidates); nullopt when the model can rank
/// none.
std::optional<double> predictBestLatency(kiln_kernel::DispatchOp dispatch,
                                         int64_t vectorWidth,
                                         const costmodel::CostModel &model);

/// The cost model and target a pass's options name (`cost-model`,
/// `target`): an error on `op`, naming `pass`, for an unknown model kind or
/// target. The model itself is loaded by resolveCostModel.
struct CostModelChoice {
  ScheduleSelector selector;
  costmodel::Target target;
};
FailureOr<CostModelChoice> parseCostModelOptions(Operation *op, StringRef pass,
                                                 StringRef selectorName,
                                                 StringRef targetName);

} // namespace mlir::kiln

#endif // KILN_PASSES_KERNEL_RANKSCHEDULES_H
