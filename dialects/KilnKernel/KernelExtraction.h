//===- KernelExtraction.h - one dispatch as a module of its own -*- C++ -*-===//
//
// kiln-tune compiles and times each kernel of a model alone, and the cost
// model's data and tuning database know a kernel by a structural hash. Both
// start from the dispatch taken out of its function: the values it reads
// from outside become the arguments of `@main` (constants and other ops
// without operands are copied in), its results are `@main`'s results.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILNKERNEL_KERNELEXTRACTION_H
#define KILN_DIALECTS_KILNKERNEL_KERNELEXTRACTION_H

#include "dialects/KilnKernel/KilnKernel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace mlir::kiln_kernel {

/// A module with `@main` computing `dispatch` alone; emits an error on the
/// dispatch and returns null when it reads a value that is neither a
/// tensor nor computable from constants.
OwningOpRef<ModuleOp> extractKernel(DispatchOp dispatch);

/// A module with `@main` computing the kernel that `ops` (of one block, in
/// program order; the last one's results are the kernel's) would form as
/// one dispatch of `kind`, leaving `ops` untouched: how kiln-fuse costs a
/// fusion before making it. Fills that only initialize `ops` are copied
/// in, as kiln-fuse takes them into the kernel; null, with an error, as for
/// extractKernel.
OwningOpRef<ModuleOp> formKernel(ArrayRef<Operation *> ops, StringRef kind);

/// Replaces every dense constant of `module` by a splat of its type: the
/// kernel's shape without its weights, small enough to store.
void splatConstants(ModuleOp module);

/// A hash of `kernel` (as extractKernel returns it) that ignores constant
/// values, locations and any schedule: 16 hex digits.
std::string hashKernel(ModuleOp kernel);

/// hashKernel of `dispatch` taken out of its function; empty if it cannot
/// be.
std::string hashDispatch(DispatchOp dispatch);

} // namespace mlir::kiln_kernel

#endif // KILN_DIALECTS_KILNKERNEL_KERNELEXTRACTION_H
