//===- Tuning.h - kiln-tune: cost-model data, training, evaluation -*- C++
//-*-===//
//
// collect: every distinct kernel of some models, candidates compiled and
//          timed (the measured cost model), appended to a dataset;
// train:   the learned model from a dataset, some models held out;
// eval:    learned, analytical, heuristic and random picks compared on the
//          held-out models' kernels.
// Errors are thrown as kiln::Error.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_TUNING_TUNING_H
#define KILN_LIB_TUNING_TUNING_H

#include "costmodel/CostModel.h"

#include <map>
#include <string>
#include <vector>

namespace kiln::tuning {

struct CollectOptions {
  std::vector<std::string> models;
  std::string output;
  /// Candidates measured per kernel: all when there are this few, else a
  /// stratified sample with the heuristic's and analytical model's picks.
  int maxCandidates = 24;
  int rounds = 5;
  double minSeconds = 0.005;
  /// Every N-th kernel is measured a second time (test-retest); 0: none.
  int retestEvery = 3;
  /// The core the measurements run on (-1: the last one).
  int core = -1;
  unsigned seed = 0;
  bool quiet = false;
  /// Only kernels with at most `maxCandidates` candidates, measured all.
  bool exhaustiveOnly = false;
};

/// Appends a record per kernel not yet in `output` (resumable).
void collect(const CollectOptions &options);

struct TrainOptions {
  std::string data;
  std::string output;
  /// Models whose kernels are kept out of training (for eval).
  std::vector<std::string> heldOut;
  mlir::kiln::costmodel::TrainingParameters parameters;
};

void train(const TrainOptions &options);

struct EvalOptions {
  std::string data;
  std::string model;
  /// Per-kernel results as CSV (for plots); empty for none.
  std::string report;
};

/// Prints the comparison; its last line starts with "cost-model:". Returns
/// the learned model's figures by name (top1, top5, pairwise, tau,
/// ceiling, mape) and the held-out models.
std::map<std::string, std::string> evaluate(const EvalOptions &options);

} // namespace kiln::tuning

#endif // KILN_LIB_TUNING_TUNING_H
