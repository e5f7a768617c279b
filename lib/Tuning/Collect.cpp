//===- Collect.cpp - kiln-tune collect ------------------------------------===//
//
// Measures the candidates of every distinct kernel of some models. A model
// is lowered to kernel-level IR once; each dispatch is taken out as a
// module of its own and deduplicated by its structural hash. A kernel's
// candidates are all compiled first, then timed interleaved on one pinned
// core, so compiling never overlaps a measurement.
//
//===----------------------------------------------------------------------===//
#include "Progress.h"
#include "Tuning.h"

#include "costmodel/Dataset.h"
#include "dialects/KilnKernel/KernelExtraction.h"
#include "lib/Compiler/Context.h"
#include "lib/Compiler/Measure.h"
#include "passes/Kernel/RankSchedules.h"
#include "passes/Kernel/Schedules.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/DebugStringHelper.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <map>
#include <random>
#include <set>

#include <sched.h>
#include <unistd.h>

using namespace kiln;
using namespace kiln::tuning;
using namespace mlir::kiln;
using mlir::kiln_kernel::DispatchOp;
using mlir::kiln_kernel::ScheduleAttr;

namespace {

/// A distinct kernel of one model.
struct PendingKernel {
  std::string model, hash;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  int64_t occurrences = 0;
};

void pinToCore(int core) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (core < 0)
    core = cores - 1;
  if (core >= cores)
    throw Error("--core=" + std::to_string(core) + " but this machine has " +
                std::to_string(cores) + " cores");
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(core, &set);
  sched_setaffinity(0, sizeof(set), &set);
}

/// The candidates measured: the heuristic's, the analytical model's first
/// three, then a round-robin over register tiles (each tile's schedules in
/// random order) up to `limit`.
std::vector<ScheduleAttr>
sampleCandidates(llvm::ArrayRef<RankedSchedule> ranked, ScheduleAttr heuristic,
                 int limit, std::mt19937 &random) {
  std::vector<ScheduleAttr> chosen;
  auto add = [&](ScheduleAttr schedule) {
    if (schedule && (int)chosen.size() < limit &&
        llvm::find(chosen, schedule) == chosen.end())
      chosen.push_back(schedule);
  };
  add(heuristic);
  for (size_t i = 0; i < std::min<size_t>(3, ranked.size()); ++i)
    add(ranked[i].schedule);
  std::map<std::string, std::vector<ScheduleAttr>> byRegisterTile;
  for (const RankedSchedule &r : ranked) {
    std::string key;
    for (int64_t size : r.schedule.getVector())
      key += std::to_string(size) + ",";
    byRegisterTile[key].push_back(r.schedule);
  }
  std::vector<std::vector<ScheduleAttr>> strata;
  for (auto &[key, schedules] : byRegisterTile) {
    std::shuffle(schedules.begin(), schedules.end(), random);
    strata.push_back(schedules);
  }
  for (size_t depth = 0; (int)chosen.size() < limit; ++depth) {
    bool any = false;
    for (const std::vector<ScheduleAttr> &stratum : strata)
      if (depth < stratum.size()) {
        add(stratum[depth]);
        any = true;
      }
    if (!any)
      break;
  }
  return chosen;
}

std::string modelName(const std::string &path) {
  return llvm::sys::path::stem(path).str();
}

} // namespace

void tuning::collect(const CollectOptions &options) {
  if (options.models.empty())
    throw Error("collect: no models given");
  if (options.maxCandidates < 2 || options.rounds < 1)
    throw Error("collect: --max-candidates must be >= 2 and --rounds >= 1");
  llvm::Expected<costmodel::Target> target =
      costmodel::loadTargetByName(costmodel::hostTargetName());
  if (!target)
    throw Error(llvm::toString(target.takeError()));
  std::set<std::pair<std::string, std::string>> done;
  if (llvm::sys::fs::exists(options.output)) {
    llvm::Expected<std::vector<costmodel::KernelRecord>> existing =
        costmodel::readDataset(options.output);
    if (!existing)
      throw Error(llvm::toString(existing.takeError()));
    for (const costmodel::KernelRecord &record : *existing)
      done.insert({record.model, record.hash});
  }

  mlir::DialectRegistry registry;
  registerKilnDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  CompileOptions lowering;
  lowering.costModel = "heuristic";
  std::vector<PendingKernel> pending;
  size_t lowered = 0;
  for (const std::string &path : options.models) {
    std::string name = modelName(path);
    std::string text;
    try {
      text = compileFileToText(path, OutputKind::LinalgMLIR, lowering);
    } catch (const Error &e) {
      // One model Kiln cannot compile does not stop the others.
      llvm::errs() << "collect: " << name << " skipped: " << e.what() << "\n";
      continue;
    }
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(text, &context);
    if (!module)
      throw Error("collect: cannot parse the kernels of '" + path + "'");
    ++lowered;
    std::map<std::string, size_t> byHash;
    size_t first = pending.size();
    module->walk([&](DispatchOp dispatch) {
      mlir::OwningOpRef<mlir::ModuleOp> kernel =
          mlir::kiln_kernel::extractKernel(dispatch);
      if (!kernel)
        return;
      std::string hash = mlir::kiln_kernel::hashKernel(*kernel);
      auto [it, inserted] = byHash.insert({hash, pending.size()});
      if (inserted)
        pending.push_back({name, hash, std::move(kernel), 0});
      ++pending[it->second].occurrences;
    });
    if (!options.quiet)
      llvm::errs() << "collect: " << name << ": " << pending.size() - first
                   << " distinct kernels\n";
  }
  if (!lowered)
    throw Error("collect: none of the models compiled");
  llvm::erase_if(pending, [&](const PendingKernel &k) {
    return done.count({k.model, k.hash});
  });

  pinToCore(options.core);
  std::mt19937 random(options.seed);
  Progress progress(pending.size(), options.quiet);
  std::unique_ptr<costmodel::CostModel> analytical =
      costmodel::createAnalyticalModel(*target);
  size_t measuredCandidates = 0, index = 0;
  auto start = std::chrono::steady_clock::now();
  progress.update(0, "");
  for (PendingKernel &kernel : pending) {
    ++index;
    DispatchOp dispatch;
    kernel.module->walk([&](DispatchOp d) { dispatch = d; });
    llvm::SmallVector<ScheduleAttr> candidates =
        enumerateSchedules(dispatch, target->f32Lanes());
    ScheduleAttr heuristic = chooseSchedule(dispatch, target->f32Lanes());
    llvm::SmallVector<RankedSchedule> ranked =
        rankSchedules(dispatch, candidates, *analytical);
    if (options.exhaustiveOnly && (int)ranked.size() > options.maxCandidates) {
      progress.update(index, "");
      continue;
    }
    std::vector<ScheduleAttr> sample =
        sampleCandidates(ranked, heuristic, options.maxCandidates, random);
    std::string text = mlir::debugString(**kernel.module);
    std::vector<std::unique_ptr<Model>> compiled;
    std::vector<Model *> models;
    std::vector<ScheduleAttr> measured;
    for (ScheduleAttr schedule : sample) {
      try {
        compiled.push_back(
            compileKernel(text, mlir::debugString(schedule), {}));
      } catch (const Error &) {
        continue;
      }
      models.push_back(compiled.back().get());
      measured.push_back(schedule);
    }
    if (models.size() < 2 || !llvm::is_contained(measured, heuristic)) {
      progress.update(index, "");
      continue;
    }
    MeasureOptions measure;
    measure.rounds = options.rounds;
    measure.minSeconds = options.minSeconds;
    measure.seed = options.seed + index;
    std::vector<Timing> timings, retest;
    try {
      std::vector<Tensor> inputs =
          randomInputs(models.front()->entryPoint(), options.seed);
      timings = measureInterleaved(models, inputs, measure);
      if (options.retestEvery > 0 && index % options.retestEvery == 0) {
        measure.seed += 1000003;
        retest = measureInterleaved(models, inputs, measure);
      }
    } catch (const Error &e) {
      if (!options.quiet)
        llvm::errs() << "\ncollect: " << kernel.model << " kernel "
                     << kernel.hash << " skipped: " << e.what() << "\n";
      progress.update(index, "");
      continue;
    }
    costmodel::KernelRecord record;
    record.model = kernel.model;
    record.hash = kernel.hash;
    record.occurrences = kernel.occurrences;
    record.target = target->name;
    record.threads = measure.threads;
    record.heuristic = mlir::debugString(heuristic);
    record.candidateCount = candidates.size();
    mlir::OwningOpRef<mlir::ModuleOp> stored = kernel.module->clone();
    mlir::kiln_kernel::splatConstants(*stored);
    record.kernel = mlir::debugString(**stored);
    for (size_t i = 0; i < measured.size(); ++i) {
      costmodel::MeasuredCandidate candidate;
      candidate.schedule = mlir::debugString(measured[i]);
      candidate.latency = timings[i].median;
      candidate.spread = timings[i].spread;
      if (!retest.empty())
        candidate.retest = retest[i].median;
      record.candidates.push_back(std::move(candidate));
    }
    if (llvm::Error error = costmodel::appendRecord(options.output, record))
      throw Error(llvm::toString(std::move(error)));
    measuredCandidates += measured.size();
    double hours =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count() /
        3600;
    progress.update(
        index,
        llvm::formatv("{0:F0} candidates/h", measuredCandidates / hours).str());
  }
}
