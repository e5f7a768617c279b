//===- ImportContext.h - State shared by the ONNX node converters -*- C++
//-*-===//
#ifndef KILN_LIB_IMPORT_ONNX_IMPORTCONTEXT_H
#define KILN_LIB_IMPORT_ONNX_IMPORTCONTEXT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <optional>
#include <string>

namespace kiln::onnx_import {

/// A 1-D shape tensor (or one element of it) that is known only
/// symbolically: each entry is a constant or dimension `dim` of `of`.
struct SymbolicShape {
  struct Entry {
    int64_t constant = 0;
    mlir::Value of; // null for a constant (or unknown) entry
    int64_t dim = 0;
    bool unknown = false; // computed from a dynamic dimension
  };
  std::vector<Entry> entries;
  bool scalar = false; // a 0-d element rather than a 1-D shape
};

/// What a converter sees while it imports one node: the values of all names
/// defined so far, the constants among them, and a builder for kiln ops.
class ImportContext {
public:
  ImportContext(mlir::OpBuilder &builder, int64_t opset)
      : builder(builder), opset(opset) {}

  mlir::OpBuilder &builder;
  int64_t opset;
  /// Location of the node being converted (its name, in the model file).
  mlir::Location loc = builder.getUnknownLoc();

  /// The value named `name`; null when the name is empty (an omitted
  /// optional input) or unknown.
  mlir::Value lookup(const std::string &name) const;
  void define(const std::string &name, mlir::Value value);

  /// The constant value of `value` if it is a kiln.constant.
  std::optional<mlir::DenseElementsAttr> constantOf(mlir::Value value) const;
  /// The integer contents of a constant 1-D (or scalar) tensor.
  std::optional<std::vector<int64_t>> constantInts(mlir::Value value) const;
  std::optional<double> constantScalar(mlir::Value value) const;

  /// Builds kiln op `name` with result types inferred from the operands and
  /// attributes; failure (with a diagnostic) if the kiln op rejects them.
  mlir::FailureOr<mlir::Value>
  build(llvm::StringRef name, mlir::ValueRange operands,
        llvm::ArrayRef<mlir::NamedAttribute> attrs = {});
  /// A kiln.constant holding `attr`.
  mlir::Value constant(mlir::DenseElementsAttr attr);
  mlir::Value scalarConstant(mlir::Type element, double value);

  mlir::NamedAttribute attr(llvm::StringRef name, mlir::Attribute value) {
    return builder.getNamedAttr(name, value);
  }
  mlir::NamedAttribute ints(llvm::StringRef name, llvm::ArrayRef<int64_t> v) {
    return attr(name, builder.getDenseI64ArrayAttr(v));
  }
  mlir::NamedAttribute i64(llvm::StringRef name, int64_t v) {
    return attr(name, builder.getI64IntegerAttr(v));
  }
  mlir::NamedAttribute f64(llvm::StringRef name, double v) {
    return attr(name, builder.getF64FloatAttr(v));
  }
  mlir::NamedAttribute boolean(llvm::StringRef name, bool v) {
    return attr(name, builder.getBoolAttr(v));
  }

  mlir::InFlightDiagnostic error() { return mlir::emitError(loc); }

  /// Shapes of tensors with dynamic dimensions (from Shape), by name; they
  /// have no Value and only feed Reshape, through a few shape operators.
  std::map<std::string, SymbolicShape> shapes;

private:
  std::map<std::string, mlir::Value> values;
};

/// Reading ONNX node attributes with defaults.
int64_t getInt(const onnx::NodeProto &node, const std::string &name,
               int64_t fallback);
float getFloat(const onnx::NodeProto &node, const std::string &name,
               float fallback);
std::string getString(const onnx::NodeProto &node, const std::string &name,
                      const std::string &fallback);
std::optional<std::vector<int64_t>> getInts(const onnx::NodeProto &node,
                                            const std::string &name);
const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node,
                                          const std::string &name);

/// The MLIR element type of an ONNX data type, or null if unsupported.
mlir::Type elementType(mlir::MLIRContext *ctx, int32_t onnxType);
/// A dense attribute with the contents of `tensor`, or failure.
mlir::FailureOr<mlir::DenseElementsAttr>
tensorToAttr(mlir::MLIRContext *ctx, const onnx::TensorProto &tensor,
             std::string &error);

/// Converts a node that produces or reads a symbolic shape; std::nullopt
/// when the node has nothing to do with one.
std::optional<mlir::LogicalResult>
convertSymbolicShape(const onnx::NodeProto &node, ImportContext &c);

/// Converts one node; its outputs are defined in the context on success.
using NodeConverter = mlir::LogicalResult (*)(const onnx::NodeProto &,
                                              ImportContext &);
/// The converter for `opType`, or nullptr when Kiln does not support it.
NodeConverter findConverter(const std::string &opType);

} // namespace kiln::onnx_import

#endif // KILN_LIB_IMPORT_ONNX_IMPORTCONTEXT_H
