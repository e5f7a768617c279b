//===- Measure.h - compile and time one kernel's candidates -----*- C++ -*-===//
//
// The measured cost model: a kernel (a module holding one dispatch) is
// compiled once per candidate schedule, and the compiled candidates are
// timed interleaved (every round visits each in a new order) so that the
// machine's drifts hit them alike. Used by kiln-compile --tune and
// kiln-tune collect.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_COMPILER_MEASURE_H
#define KILN_LIB_COMPILER_MEASURE_H

#include "kiln/Compiler.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kiln {

/// Compiles `kernel` (kernel-level MLIR text) with `schedule` forced on its
/// dispatch, for in-process runs.
std::unique_ptr<Model> compileKernel(const std::string &kernel,
                                     const std::string &schedule,
                                     const CompileOptions &options);

/// Inputs of `entry` with random values (floats in [-1, 1), integers 0);
/// throws naming the input when a shape is dynamic.
std::vector<Tensor> randomInputs(const EntryPoint &entry, uint64_t seed);

struct Timing {
  /// Median seconds per run over the rounds.
  double median = 0;
  /// (p75 - p25) / median.
  double spread = 0;
};

struct MeasureOptions {
  int rounds = 5;
  /// Each visit runs a candidate for at least this long.
  double minSeconds = 0.01;
  /// Threads the kernels run on.
  int threads = 1;
  uint64_t seed = 0;
};

/// Times `models` (all taking `inputs`) interleaved.
std::vector<Timing> measureInterleaved(const std::vector<Model *> &models,
                                       const std::vector<Tensor> &inputs,
                                       const MeasureOptions &options);

} // namespace kiln

#endif // KILN_LIB_COMPILER_MEASURE_H
