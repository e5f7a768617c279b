//===- Train.cpp - kiln-tune train ----------------------------------------===//
#include "KernelData.h"
#include "Tuning.h"

#include "kiln/Runtime.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace kiln;
using namespace kiln::tuning;
using namespace mlir::kiln;

void tuning::train(const TrainOptions &options) {
  costmodel::Target target;
  std::vector<costmodel::KernelRecord> records =
      readRecords(options.data, target);
  std::set<std::string> models,
      heldOut(options.heldOut.begin(), options.heldOut.end());
  for (const costmodel::KernelRecord &record : records)
    models.insert(record.model);
  for (const std::string &name : heldOut)
    if (!models.count(name))
      throw Error("train: held-out model '" + name + "' is not in '" +
                  options.data + "' (it has: " + llvm::join(models, ", ") +
                  ")");
  std::vector<costmodel::KernelRecord> training;
  costmodel::LearnedModelInfo info;
  for (const std::string &name : models)
    (heldOut.count(name) ? info.heldOutModels : info.trainingModels)
        .push_back(name);
  if (info.trainingModels.empty())
    throw Error("train: every model is held out");
  for (const costmodel::KernelRecord &record : records)
    if (!heldOut.count(record.model))
      training.push_back(record);
  costmodel::TrainingSet data;
  int64_t kernelId = 0;
  for (const KernelRows &kernel : loadKernelRows(training, target)) {
    for (const CandidateRow &row : kernel.candidates) {
      data.features.push_back(row.features);
      data.latencies.push_back(row.latency);
      data.kernels.push_back(kernelId);
    }
    ++kernelId;
  }
  if (llvm::Error error = costmodel::trainLearnedModel(
          data, target, options.parameters, info, options.output))
    throw Error(llvm::toString(std::move(error)));
  llvm::outs() << "train: " << data.features.size() << " candidates of "
               << training.size() << " kernels from "
               << info.trainingModels.size() << " models ("
               << llvm::join(info.trainingModels, ", ") << "); held out: "
               << (info.heldOutModels.empty()
                       ? std::string("none")
                       : llvm::join(info.heldOutModels, ", "))
               << "\ntrain: wrote " << options.output << "\n";
  if (info.heldOutModels.empty())
    return;
  // The held-out figures go into the model's metadata.
  std::map<std::string, std::string> metrics =
      evaluate({options.data, options.output, ""});
  if (llvm::Error error =
          costmodel::setLearnedModelMetrics(options.output, metrics))
    throw Error(llvm::toString(std::move(error)));
}
