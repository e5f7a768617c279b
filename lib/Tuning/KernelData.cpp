//===- KernelData.cpp - a dataset's kernels with their features -----------===//
#include "KernelData.h"

#include "kiln/Runtime.h"
#include "lib/Compiler/Context.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

using namespace kiln;
using namespace kiln::tuning;
using namespace mlir::kiln;
using mlir::kiln_kernel::DispatchOp;
using mlir::kiln_kernel::ScheduleAttr;

std::vector<costmodel::KernelRecord>
tuning::readRecords(const std::string &path, costmodel::Target &target) {
  llvm::Expected<std::vector<costmodel::KernelRecord>> records =
      costmodel::readDataset(path);
  if (!records)
    throw Error(llvm::toString(records.takeError()));
  if (records->empty())
    throw Error("dataset '" + path + "' has no records");
  const std::string &name = records->front().target;
  for (const costmodel::KernelRecord &record : *records)
    if (record.target != name)
      throw Error("dataset '" + path + "' mixes targets " + name + " and " +
                  record.target);
  llvm::Expected<costmodel::Target> loaded = costmodel::loadTargetByName(name);
  if (!loaded)
    throw Error(llvm::toString(loaded.takeError()));
  target = *loaded;
  return std::move(*records);
}

std::vector<KernelRows>
tuning::loadKernelRows(const std::vector<costmodel::KernelRecord> &records,
                       const costmodel::Target &target) {
  mlir::DialectRegistry registry;
  registerKilnDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  std::vector<KernelRows> result;
  for (const costmodel::KernelRecord &record : records) {
    std::string where = "record " + record.model + "/" + record.hash;
    mlir::OwningOpRef<mlir::ModuleOp> module;
    {
      mlir::ScopedDiagnosticHandler silence(
          &context, [](mlir::Diagnostic &) { return mlir::success(); });
      module = mlir::parseSourceString<mlir::ModuleOp>(record.kernel, &context);
    }
    DispatchOp dispatch;
    if (module)
      module->walk([&](DispatchOp d) { dispatch = d; });
    if (!dispatch)
      throw Error(where + ": its kernel does not parse as a module with a "
                          "kiln_kernel.dispatch");
    mlir::FailureOr<costmodel::FeatureExtractor> extractor =
        costmodel::FeatureExtractor::create(dispatch, target);
    if (mlir::failed(extractor))
      throw Error(where + ": its dispatch has no schedulable root");
    KernelRows rows{&record, {}};
    for (const costmodel::MeasuredCandidate &candidate : record.candidates) {
      auto schedule = llvm::dyn_cast_or_null<ScheduleAttr>(
          mlir::parseAttribute(candidate.schedule, &context));
      mlir::FailureOr<costmodel::KernelFeatures> features =
          schedule ? extractor->extract(schedule)
                   : mlir::FailureOr<costmodel::KernelFeatures>();
      if (mlir::failed(features))
        throw Error(where + ": schedule '" + candidate.schedule +
                    "' does not fit its kernel");
      rows.candidates.push_back({candidate.schedule, *features,
                                 candidate.latency, candidate.retest,
                                 candidate.schedule == record.heuristic});
    }
    result.push_back(std::move(rows));
  }
  return result;
}
