//===- Dataset.h - measured kernels for training the cost model -*- C++ -*-===//
//
// One record per distinct kernel of a model: its IR (a module holding one
// dispatch, constants replaced by splats), how often the model runs it, and
// the latency of each measured candidate schedule. Records are JSON lines,
// gzip-compressed when the file name ends in .gz; features are recomputed
// from the IR when the data is read, so a dataset outlives schema changes.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COSTMODEL_DATASET_H
#define KILN_COSTMODEL_DATASET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::kiln::costmodel {

struct MeasuredCandidate {
  /// The #kiln_kernel.schedule<...> text.
  std::string schedule;
  /// Median latency of one run, seconds.
  double latency = 0;
  /// (p75 - p25) / median of the repeats.
  double spread = 0;
  /// The median of a second, independent measurement (test-retest).
  std::optional<double> retest;
};

struct KernelRecord {
  std::string model;
  /// Structural hash of the kernel (kiln_kernel::hashKernel).
  std::string hash;
  std::string kernel;
  /// Dispatches of the model with this hash.
  int64_t occurrences = 1;
  std::string target;
  int threads = 1;
  /// The heuristic's schedule (always among the candidates).
  std::string heuristic;
  /// All candidates of the kernel, measured or not.
  int64_t candidateCount = 0;
  std::vector<MeasuredCandidate> candidates;
};

llvm::Expected<std::vector<KernelRecord>> readDataset(llvm::StringRef path);

/// Appends `record` as one line (a gzip member for .gz files).
llvm::Error appendRecord(llvm::StringRef path, const KernelRecord &record);

} // namespace mlir::kiln::costmodel

#endif // KILN_COSTMODEL_DATASET_H
