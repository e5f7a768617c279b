//===- ONNXImporter.h - ONNX models into the kiln dialect -------*- C++ -*-===//
#ifndef KILN_LIB_IMPORT_ONNX_ONNXIMPORTER_H
#define KILN_LIB_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace kiln {

/// Imports a serialized ONNX ModelProto into a module with one public
/// function `main` whose arguments are the graph inputs that are not
/// initializers. Errors are emitted as diagnostics in `context`; every
/// unsupported operator of the model is reported at once.
mlir::OwningOpRef<mlir::ModuleOp> importONNX(mlir::MLIRContext &context,
                                             const std::string &bytes,
                                             const std::string &sourceName);

} // namespace kiln

#endif // KILN_LIB_IMPORT_ONNX_ONNXIMPORTER_H
