//===- KilnKernel.h - kernels and schedules ---------------------*- C++ -*-===//
#ifndef KILN_DIALECTS_KILNKERNEL_KILNKERNEL_H
#define KILN_DIALECTS_KILNKERNEL_KILNKERNEL_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/KilnKernel/KilnKernelDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/KilnKernel/KilnKernelAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/KilnKernel/KilnKernelOps.h.inc"

#endif // KILN_DIALECTS_KILNKERNEL_KILNKERNEL_H
