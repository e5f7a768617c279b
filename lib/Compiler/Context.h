//===- Context.h - the dialects a Kiln compilation uses ---------*- C++ -*-===//
#ifndef KILN_LIB_COMPILER_CONTEXT_H
#define KILN_LIB_COMPILER_CONTEXT_H

#include "mlir/IR/DialectRegistry.h"

namespace kiln {

/// Every dialect, extension and LLVM translation the CPU pipeline goes
/// through, and Kiln's own dialects: for tools that parse Kiln's IR.
void registerKilnDialects(mlir::DialectRegistry &registry);

} // namespace kiln

#endif // KILN_LIB_COMPILER_CONTEXT_H
