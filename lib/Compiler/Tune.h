//===- Tune.h - kiln-compile --tune ---------------------------*- C++ -*-===//
#ifndef KILN_LIB_COMPILER_TUNE_H
#define KILN_LIB_COMPILER_TUNE_H

#include "kiln/Compiler.h"

#include "mlir/IR/BuiltinOps.h"

namespace kiln {

/// For every dispatch of `module` (kernel-level IR with schedules) not yet
/// in the tuning database: compiles the cost model's top `options.tune`
/// candidates alone, times them, sets the fastest as the dispatch's
/// schedule and records it. Kernels that cannot be timed (dynamic shapes)
/// keep the model's pick, said as a remark.
void tuneKernels(mlir::ModuleOp module, const CompileOptions &options,
                 const std::string &databasePath);

} // namespace kiln

#endif // KILN_LIB_COMPILER_TUNE_H
