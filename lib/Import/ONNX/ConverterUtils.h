//===- ConverterUtils.h - Helpers for ONNX node converters ------*- C++ -*-===//
#ifndef KILN_LIB_IMPORT_ONNX_CONVERTERUTILS_H
#define KILN_LIB_IMPORT_ONNX_CONVERTERUTILS_H

#include "ImportContext.h"

#include "mlir/IR/BuiltinTypes.h"

#include <map>

namespace kiln::onnx_import {

using ConverterTable = std::map<std::string, NodeConverter>;
void registerElementwiseConverters(ConverterTable &table);
void registerTensorConverters(ConverterTable &table);
void registerNNConverters(ConverterTable &table);
void registerCompositeConverters(ConverterTable &table);
void registerResizeConverters(ConverterTable &table);

/// For converters that chain many ops: `must` unwraps a build result and
/// throws BuildFailed when the build failed (its diagnostic is already
/// emitted); `guarded` turns that back into failure().
struct BuildFailed {};
inline mlir::Value must(mlir::FailureOr<mlir::Value> v) {
  if (mlir::failed(v))
    throw BuildFailed();
  return *v;
}
template <typename Fn> mlir::LogicalResult guarded(Fn fn) {
  try {
    return fn();
  } catch (const BuildFailed &) {
    return mlir::failure();
  }
}

/// Input `i` of `node` (null if absent or omitted).
inline mlir::Value input(const onnx::NodeProto &node, ImportContext &c, int i) {
  return i < node.input_size() ? c.lookup(node.input(i)) : mlir::Value();
}

inline mlir::Type elementOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType()).getElementType();
}
inline int64_t rankOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType()).getRank();
}

/// Defines the node's first output as `value`.
inline mlir::LogicalResult define(const onnx::NodeProto &node, ImportContext &c,
                                  mlir::FailureOr<mlir::Value> value) {
  if (mlir::failed(value))
    return mlir::failure();
  c.define(node.output(0), *value);
  return mlir::success();
}

/// kiln.cast of `v` to `element` (v itself when it already has it).
inline mlir::FailureOr<mlir::Value> castTo(ImportContext &c, mlir::Value v,
                                           mlir::Type element) {
  auto type = llvm::cast<mlir::RankedTensorType>(v.getType());
  if (type.getElementType() == element)
    return v;
  auto resultType = mlir::RankedTensorType::get(type.getShape(), element);
  mlir::OperationState state(c.loc, "kiln.cast");
  state.addOperands(v);
  state.addTypes(resultType);
  mlir::Operation *op = c.builder.create(state);
  mlir::SmallVector<mlir::OpFoldResult> folded;
  if (mlir::succeeded(op->fold(folded)) && folded.size() == 1)
    if (auto attr = llvm::dyn_cast_if_present<mlir::DenseElementsAttr>(
            llvm::dyn_cast<mlir::Attribute>(folded.front()))) {
      op->erase();
      return c.constant(attr);
    }
  return op->getResult(0);
}

/// (x - mean) * rsqrt(variance + epsilon) over `axes` (kept as 1s); builds
/// with `must`, so call it inside `guarded`.
struct Normalized {
  mlir::Value result, mean, invStdDev;
};
Normalized normalizeOverAxes(ImportContext &c, mlir::Value x,
                             const std::vector<int64_t> &axes, double epsilon);

/// A constant integer operand (axes, shapes, pads...) that ONNX passes as
/// an input from opset `sinceOpset` on and as attribute `attrName` before.
std::optional<std::vector<int64_t>>
intsInputOrAttr(const onnx::NodeProto &node, ImportContext &c, int inputIndex,
                int64_t sinceOpset, const std::string &attrName);

} // namespace kiln::onnx_import

#endif // KILN_LIB_IMPORT_ONNX_CONVERTERUTILS_H
