//===- Tune.cpp - kiln-compile --tune -------------------------------------===//
#include "Tune.h"
#include "Measure.h"

#include "costmodel/TuningDatabase.h"
#include "dialects/KilnKernel/KernelExtraction.h"
#include "passes/Kernel/RankSchedules.h"
#include "passes/Kernel/Schedules.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/DebugStringHelper.h"

using namespace kiln;
using namespace mlir::kiln;
using mlir::kiln_kernel::DispatchOp;

void kiln::tuneKernels(mlir::ModuleOp module, const CompileOptions &options,
                       const std::string &databasePath) {
  llvm::Expected<costmodel::Target> target =
      costmodel::loadTargetByName(costmodel::hostTargetName());
  if (!target)
    throw Error(llvm::toString(target.takeError()));
  llvm::Expected<costmodel::TuningDatabase> database =
      costmodel::TuningDatabase::open(databasePath);
  if (!database)
    throw Error(llvm::toString(database.takeError()));
  std::optional<ScheduleSelector> selector =
      parseScheduleSelector(options.costModel);
  // The heuristic ranks nothing: its tuning candidates come from the
  // analytical model.
  if (!selector || *selector == ScheduleSelector::Heuristic)
    selector = ScheduleSelector::Analytical;
  ResolvedCostModel resolved =
      resolveCostModel(*selector, *target, options.costModelPath);

  size_t tuned = 0;
  module.walk([&](DispatchOp dispatch) {
    std::string hash = mlir::kiln_kernel::hashDispatch(dispatch);
    if (hash.empty() || database->lookup(target->name, hash))
      return;
    llvm::SmallVector<mlir::kiln_kernel::ScheduleAttr> candidates =
        enumerateSchedules(dispatch, options.vectorWidth);
    llvm::SmallVector<RankedSchedule> ranked =
        rankSchedules(dispatch, candidates, *resolved.model);
    if (ranked.size() > (size_t)options.tune)
      ranked.resize(options.tune);
    if (ranked.size() < 2)
      return;
    mlir::OwningOpRef<mlir::ModuleOp> kernel =
        mlir::kiln_kernel::extractKernel(dispatch);
    if (!kernel)
      return;
    std::string text = mlir::debugString(**kernel);
    std::vector<std::unique_ptr<Model>> compiled;
    std::vector<Model *> models;
    std::vector<const RankedSchedule *> measured;
    for (const RankedSchedule &candidate : ranked) {
      try {
        compiled.push_back(compileKernel(
            text, mlir::debugString(candidate.schedule), options));
      } catch (const Error &) {
        continue; // A candidate that does not compile is not a pick.
      }
      models.push_back(compiled.back().get());
      measured.push_back(&candidate);
    }
    if (models.empty())
      return;
    std::vector<Timing> timings;
    try {
      timings = measureInterleaved(
          models, randomInputs(models.front()->entryPoint(), 0), {});
    } catch (const Error &e) {
      dispatch.emitRemark("not tuned: ") << e.what();
      return;
    }
    size_t best = 0;
    for (size_t i = 1; i < timings.size(); ++i)
      if (timings[i].median < timings[best].median)
        best = i;
    dispatch.setScheduleAttr(measured[best]->schedule);
    database->record(target->name, hash,
                     {mlir::debugString(measured[best]->schedule),
                      timings[best].median, (int64_t)timings.size()});
    if (options.explain)
      dispatch.emitRemark("kernel ")
          << hash << " tuned: " << timings.size()
          << " candidates measured, picked #" << measured[best]->index << " "
          << measured[best]->schedule << " at " << timings[best].median * 1e6
          << " us (the model's first: " << timings[0].median * 1e6 << " us)";
    ++tuned;
  });
  if (tuned)
    if (llvm::Error error = database->save())
      throw Error(llvm::toString(std::move(error)));
}
