//===- KernelData.h - a dataset's kernels with their features ---*- C++ -*-===//
#ifndef KILN_LIB_TUNING_KERNELDATA_H
#define KILN_LIB_TUNING_KERNELDATA_H

#include "costmodel/Dataset.h"
#include "costmodel/Features.h"

#include "mlir/IR/MLIRContext.h"

#include <optional>
#include <vector>

namespace kiln::tuning {

struct CandidateRow {
  std::string schedule;
  mlir::kiln::costmodel::KernelFeatures features;
  double latency;
  std::optional<double> retest;
  bool isHeuristic;
};

struct KernelRows {
  const mlir::kiln::costmodel::KernelRecord *record;
  std::vector<CandidateRow> candidates;
};

/// Parses every record's kernel and computes each measured candidate's
/// features on `target`; throws naming the record that does not parse.
std::vector<KernelRows>
loadKernelRows(const std::vector<mlir::kiln::costmodel::KernelRecord> &records,
               const mlir::kiln::costmodel::Target &target);

/// Reads a dataset and the target its records were measured on.
std::vector<mlir::kiln::costmodel::KernelRecord>
readRecords(const std::string &path, mlir::kiln::costmodel::Target &target);

} // namespace kiln::tuning

#endif // KILN_LIB_TUNING_KERNELDATA_H
