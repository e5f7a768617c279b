//===- RankSchedules.cpp - candidates ordered by a cost model -------------===//
#include "passes/Kernel/RankSchedules.h"
#include "passes/Kernel/Schedules.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::kiln;
using kiln_kernel::DispatchOp;
using kiln_kernel::ScheduleAttr;

std::optional<ScheduleSelector> kiln::parseScheduleSelector(StringRef name) {
  return llvm::StringSwitch<std::optional<ScheduleSelector>>(name)
      .Case("default", ScheduleSelector::Default)
      .Case("learned", ScheduleSelector::Learned)
      .Case("analytical", ScheduleSelector::Analytical)
      .Case("heuristic", ScheduleSelector::Heuristic)
      .Default(std::nullopt);
}

SmallVector<RankedSchedule>
kiln::rankSchedules(DispatchOp dispatch, ArrayRef<ScheduleAttr> candidates,
                    const costmodel::CostModel &model) {
  const costmodel::Target &target = model.getTarget();
  FailureOr<costmodel::FeatureExtractor> extractor =
      costmodel::FeatureExtractor::create(dispatch, target);
  if (failed(extractor))
    return {};
  SmallVector<unsigned> indices;
  std::vector<costmodel::KernelFeatures> features;
  bool anyParallel = false;
  for (auto [i, candidate] : llvm::enumerate(candidates)) {
    FailureOr<costmodel::KernelFeatures> f = extractor->extract(candidate);
    if (failed(f))
      continue;
    indices.push_back(i);
    features.push_back(*f);
    anyParallel |= f->threads && f->level1TilesPerCore >= 1;
  }
  std::vector<costmodel::Cost> costs = model.predict(features);
  SmallVector<RankedSchedule> ranked;
  for (auto [i, f] : llvm::enumerate(features)) {
    // The models predict one core's latency: parallelism is a rule.
    if (anyParallel && !(f.threads && f.level1TilesPerCore >= 1))
      continue;
    ranked.push_back(
        {candidates[indices[i]], indices[i], costs[i].latencySeconds});
  }
  llvm::stable_sort(ranked,
                    [](const RankedSchedule &a, const RankedSchedule &b) {
                      return a.latencySeconds < b.latencySeconds;
                    });
  return ranked;
}

SmallVector<RankedSchedule>
kiln::rankCandidates(DispatchOp dispatch, ArrayRef<ScheduleAttr> candidates,
                     ScheduleAttr heuristic,
                     const costmodel::CostModel &model) {
  if (model.getKind() != costmodel::CostModelKind::Learned)
    return rankSchedules(dispatch, candidates, model);
  std::unique_ptr<costmodel::CostModel> analytical =
      costmodel::createAnalyticalModel(model.getTarget());
  SmallVector<RankedSchedule> byAnalytical =
      rankSchedules(dispatch, candidates, *analytical);
  SmallVector<ScheduleAttr> shortlist;
  for (const RankedSchedule &r :
       ArrayRef(byAnalytical).take_front(kLearnedShortlist))
    shortlist.push_back(r.schedule);
  if (heuristic && !llvm::is_contained(shortlist, heuristic))
    shortlist.push_back(heuristic);
  SmallVector<RankedSchedule> ranked =
      rankSchedules(dispatch, shortlist, model);
  for (RankedSchedule &r : ranked)
    r.index = llvm::find(candidates, r.schedule) - candidates.begin();
  return ranked;
}

ResolvedCostModel kiln::resolveCostModel(ScheduleSelector selector,
                                         const costmodel::Target &target,
                                         StringRef learnedModelPath) {
  ResolvedCostModel resolved;
  if (selector == ScheduleSelector::Heuristic)
    return resolved;
  if (selector != ScheduleSelector::Analytical) {
    std::string path = learnedModelPath.empty()
                           ? costmodel::defaultLearnedModelPath(target)
                           : learnedModelPath.str();
    llvm::Expected<std::unique_ptr<costmodel::CostModel>> learned =
        costmodel::loadLearnedModel(path, target);
    if (learned) {
      resolved.model = std::move(*learned);
      return resolved;
    }
    resolved.note =
        llvm::toString(learned.takeError()) + "; using the analytical model";
    resolved.noteIsWarning =
        selector == ScheduleSelector::Learned || !learnedModelPath.empty();
  }
  resolved.model = costmodel::createAnalyticalModel(target);
  return resolved;
}

std::optional<double>
kiln::predictBestLatency(DispatchOp dispatch, int64_t vectorWidth,
                         const costmodel::CostModel &model) {
  SmallVector<RankedSchedule> ranked =
      rankCandidates(dispatch, enumerateSchedules(dispatch, vectorWidth),
                     chooseSchedule(dispatch, vectorWidth), model);
  if (ranked.empty())
    return std::nullopt;
  return ranked.front().latencySeconds;
}

FailureOr<CostModelChoice> kiln::parseCostModelOptions(Operation *op,
                                                       StringRef pass,
                                                       StringRef selectorName,
                                                       StringRef targetName) {
  std::optional<ScheduleSelector> selector =
      parseScheduleSelector(selectorName);
  if (!selector)
    return op->emitError() << pass << ": cost-model='" << selectorName
                           << "' is not one of default, learned, analytical, "
                              "heuristic";
  std::string name =
      targetName.empty() ? costmodel::hostTargetName() : targetName.str();
  llvm::Expected<costmodel::Target> target = costmodel::loadTargetByName(name);
  if (!target)
    return op->emitError() << pass << ": unknown target '" << name
                           << "': " << llvm::toString(target.takeError());
  return CostModelChoice{*selector, *target};
}

std::string kiln::formatLatency(double seconds) {
  if (seconds < 1e-3)
    return llvm::formatv("{0:F2} us", seconds * 1e6).str();
  return llvm::formatv("{0:F3} ms", seconds * 1e3).str();
}
