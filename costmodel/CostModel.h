//===- CostModel.h - predicted cost of a kernel's candidates ----*- C++ -*-===//
//
// One interface over the three cost models: the analytical roofline and
// register/cache model, the learned XGBoost model (trained with kiln-tune,
// a correction of the analytical estimate), and, outside this library, the
// measured one (kiln-tune compiles and times candidates).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COSTMODEL_COSTMODEL_H
#define KILN_COSTMODEL_COSTMODEL_H

#include "costmodel/Features.h"
#include "costmodel/Target.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::kiln::costmodel {

enum class CostModelKind { Analytical, Learned };

/// "analytical" or "learned".
llvm::StringRef stringifyCostModelKind(CostModelKind kind);

struct Cost {
  /// Predicted latency of one run of the kernel on one core, in seconds.
  double latencySeconds = 0;
};

class CostModel {
public:
  virtual ~CostModel() = default;
  virtual CostModelKind getKind() const = 0;
  /// One line: the model, its target and where it came from.
  virtual std::string describe() const = 0;
  /// Costs of many candidates at once (one batch for the learned model).
  virtual std::vector<Cost>
  predict(llvm::ArrayRef<KernelFeatures> features) const = 0;
  const Target &getTarget() const { return target; }

protected:
  explicit CostModel(Target target) : target(std::move(target)) {}
  Target target;
};

/// The analytical estimate of one candidate on `target`.
double analyticalLatency(const KernelFeatures &features, const Target &target);

std::unique_ptr<CostModel> createAnalyticalModel(const Target &target);

/// What a trained model records about itself (booster attributes).
struct LearnedModelInfo {
  std::string schemaHash, target, date, objective;
  std::vector<std::string> trainingModels, heldOutModels;
  /// Hyperparameters and metrics as written by kiln-tune train.
  std::map<std::string, std::string> hyperparameters, metrics;
  int64_t trainingRows = 0;
};

/// Loads a model written by kiln-tune train. Fails, with a message naming
/// the file and what is wrong, when it is missing or corrupt, or was
/// trained on another feature schema or target than `target`.
llvm::Expected<std::unique_ptr<CostModel>>
loadLearnedModel(llvm::StringRef path, const Target &target);

/// The metadata of a model file without checking it against a target.
llvm::Expected<LearnedModelInfo> readLearnedModelInfo(llvm::StringRef path);

/// Records held-out `metrics` in the metadata of the model at `path`.
llvm::Error
setLearnedModelMetrics(llvm::StringRef path,
                       const std::map<std::string, std::string> &metrics);

/// costmodel/models/<target>.json.
std::string defaultLearnedModelPath(const Target &target);

/// Rows of training data: each candidate's features and measured latency.
struct TrainingSet {
  std::vector<KernelFeatures> features;
  std::vector<double> latencies;
  /// Which kernel each row is a candidate of (any ids, one per kernel).
  std::vector<int64_t> kernels;
};

/// What the learned model's trees fit, as log2(measured / analytical).
enum class LearnedObjective {
  /// One booster, every candidate's value.
  Residual,
  /// Two boosters: the mean over a kernel's candidates, from its
  /// kernel-level features, and each candidate's deviation from that mean,
  /// from all features. The deviation alone orders a kernel's candidates,
  /// so its trees are not spent on how wrong the analytical model is for
  /// the kernel as a whole.
  KernelOffsetAndDeviation,
};

struct TrainingParameters {
  int rounds = 400;
  int maxDepth = 6;
  double learningRate = 0.05;
  double subsample = 0.8;
  double columnSample = 0.8;
  double minChildWeight = 2;
  int seed = 0;
  // Residual cross-validates better on the shipped data (docs/cost-model.md).
  LearnedObjective objective = LearnedObjective::Residual;
};

/// Trains the learned model (XGBoost regression of log(measured /
/// analytical), fitted as `parameters.objective` says) and writes it with
/// `info` to `path`.
llvm::Error trainLearnedModel(const TrainingSet &data, const Target &target,
                              const TrainingParameters &parameters,
                              LearnedModelInfo info, llvm::StringRef path);

} // namespace mlir::kiln::costmodel

#endif // KILN_COSTMODEL_COSTMODEL_H
