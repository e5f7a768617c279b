//===- ImportContext.cpp - State shared by the ONNX node converters -------===//
#include "ImportContext.h"

#include "dialects/Kiln/KilnBuilders.h"
#include "dialects/Kiln/KilnOps.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

namespace kiln::onnx_import {
using namespace mlir;

Value ImportContext::lookup(const std::string &name) const {
  if (name.empty())
    return {};
  auto it = values.find(name);
  return it == values.end() ? Value() : it->second;
}

void ImportContext::define(const std::string &name, Value value) {
  values[name] = value;
}

std::optional<DenseElementsAttr> ImportContext::constantOf(Value value) const {
  if (!value)
    return std::nullopt;
  if (auto c = value.getDefiningOp<mlir::kiln::ConstantOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue()))
      return dense;
  return std::nullopt;
}

std::optional<std::vector<int64_t>>
ImportContext::constantInts(Value value) const {
  std::optional<DenseElementsAttr> dense = constantOf(value);
  if (!dense || !dense->getElementType().isSignlessInteger())
    return std::nullopt;
  std::vector<int64_t> result;
  for (const APInt &v : dense->getValues<APInt>())
    result.push_back(v.getSExtValue());
  return result;
}

std::optional<double> ImportContext::constantScalar(Value value) const {
  std::optional<DenseElementsAttr> dense = constantOf(value);
  if (!dense || dense->getNumElements() != 1)
    return std::nullopt;
  if (isa<FloatType>(dense->getElementType()))
    return (*dense->getValues<APFloat>().begin()).convertToDouble();
  return (double)(*dense->getValues<APInt>().begin()).getSExtValue();
}

FailureOr<Value> ImportContext::build(StringRef name, ValueRange operands,
                                      ArrayRef<NamedAttribute> attrs) {
  FailureOr<Value> built =
      mlir::kiln::buildInferred(builder, loc, name, operands, attrs);
  if (failed(built))
    return failure();
  Operation *op = built->getDefiningOp();
  // Fold constants right away so that shape computations of the graph
  // (Shape -> Gather -> Concat -> Reshape) become constants.
  SmallVector<OpFoldResult> folded;
  if (succeeded(op->fold(folded)) && folded.size() == 1) {
    if (auto value = dyn_cast<Value>(folded.front())) {
      op->erase();
      return value;
    }
    if (auto attr = dyn_cast_if_present<DenseElementsAttr>(
            dyn_cast<Attribute>(folded.front()))) {
      op->erase();
      return constant(attr);
    }
  }
  return op->getResult(0);
}

Value ImportContext::constant(DenseElementsAttr attr) {
  return mlir::kiln::ConstantOp::create(builder, loc, attr.getType(), attr);
}

Value ImportContext::scalarConstant(Type element, double value) {
  auto type = RankedTensorType::get({}, element);
  if (isa<FloatType>(element))
    return constant(DenseElementsAttr::get(
        type, builder.getFloatAttr(element, value).getValue()));
  return constant(DenseElementsAttr::get(
      type, builder.getIntegerAttr(element, (int64_t)value).getValue()));
}

const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node,
                                          const std::string &name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t getInt(const onnx::NodeProto &node, const std::string &name,
               int64_t fallback) {
  const onnx::AttributeProto *a = findAttribute(node, name);
  return a ? a->i() : fallback;
}

float getFloat(const onnx::NodeProto &node, const std::string &name,
               float fallback) {
  const onnx::AttributeProto *a = findAttribute(node, name);
  return a ? a->f() : fallback;
}

std::string getString(const onnx::NodeProto &node, const std::string &name,
                      const std::string &fallback) {
  const onnx::AttributeProto *a = findAttribute(node, name);
  return a ? a->s() : fallback;
}

std::optional<std::vector<int64_t>> getInts(const onnx::NodeProto &node,
                                            const std::string &name) {
  const onnx::AttributeProto *a = findAttribute(node, name);
  if (!a)
    return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

Type elementType(MLIRContext *ctx, int32_t onnxType) {
  Builder b(ctx);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  default:
    return {};
  }
}

FailureOr<DenseElementsAttr> tensorToAttr(MLIRContext *ctx,
                                          const onnx::TensorProto &tensor,
                                          std::string &error) {
  Type element = elementType(ctx, tensor.data_type());
  if (!element) {
    error = "tensor '" + tensor.name() + "' has unsupported data type " +
            std::to_string(tensor.data_type());
    return failure();
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "tensor '" + tensor.name() +
            "' keeps its data in an external file, which is not supported";
    return failure();
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  auto type = RankedTensorType::get(shape, element);
  int64_t count = type.getNumElements();
  size_t width = element.isInteger(1) ? 1 : element.getIntOrFloatBitWidth() / 8;
  std::vector<char> raw;
  if (tensor.has_raw_data()) {
    raw.assign(tensor.raw_data().begin(), tensor.raw_data().end());
  } else {
    // Typed fields: floats, doubles, int64s, or int32s carrying every
    // narrower integer type and float16 bits.
    raw.resize(count * width);
    auto store = [&](auto values) {
      for (int64_t i = 0; i < (int64_t)values.size() && i < count; ++i) {
        auto v = values[i];
        if (width == 1) {
          int8_t x = (int8_t)v;
          std::memcpy(&raw[i], &x, 1);
        } else if (width == 2) {
          int16_t x = (int16_t)v;
          std::memcpy(&raw[2 * i], &x, 2);
        } else {
          std::memcpy(&raw[width * i], &v, width);
        }
      }
      return (int64_t)values.size();
    };
    int64_t stored = 0;
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      stored = store(tensor.float_data());
      break;
    case onnx::TensorProto::DOUBLE:
      stored = store(tensor.double_data());
      break;
    case onnx::TensorProto::INT64:
      stored = store(tensor.int64_data());
      break;
    case onnx::TensorProto::INT32: {
      std::vector<int32_t> v(tensor.int32_data().begin(),
                             tensor.int32_data().end());
      stored = store(v);
      break;
    }
    default:
      stored = store(tensor.int32_data());
    }
    if (stored != count) {
      error = "tensor '" + tensor.name() + "' holds " + std::to_string(stored) +
              " values but its shape needs " + std::to_string(count);
      return failure();
    }
  }
  if ((int64_t)raw.size() != count * (int64_t)width) {
    error = "tensor '" + tensor.name() + "' has " + std::to_string(raw.size()) +
            " bytes of data but its shape needs " +
            std::to_string(count * width);
    return failure();
  }
  if (element.isInteger(1)) {
    SmallVector<bool> bits;
    for (char c : raw)
      bits.push_back(c != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  }
  return DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(raw));
}

} // namespace kiln::onnx_import
