//===- Tensor.cpp - Tensors and dtypes ------------------------------------===//
#include "kiln/Runtime.h"

#include <sstream>

using namespace kiln;

namespace {
struct DTypeInfo {
  DType dtype;
  const char *name;
  size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::Float32, "float32", 4}, {DType::Float64, "float64", 8},
    {DType::Float16, "float16", 2}, {DType::Bool, "bool", 1},
    {DType::Int8, "int8", 1},       {DType::Int16, "int16", 2},
    {DType::Int32, "int32", 4},     {DType::Int64, "int64", 8},
    {DType::UInt8, "uint8", 1},
};
const DTypeInfo &info(DType dtype) {
  for (const DTypeInfo &i : kDTypes)
    if (i.dtype == dtype)
      return i;
  throw Error("unknown dtype");
}
} // namespace

const char *kiln::dtypeName(DType dtype) { return info(dtype).name; }
size_t kiln::dtypeSize(DType dtype) { return info(dtype).size; }

std::optional<DType> kiln::parseDType(const std::string &name) {
  for (const DTypeInfo &i : kDTypes)
    if (name == i.name)
      return i.dtype;
  return std::nullopt;
}

Tensor::Tensor(DType dtype, std::vector<int64_t> shape)
    : dtype(dtype), shape(std::move(shape)) {
  data.resize(numElements() * dtypeSize(dtype));
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string kiln::formatShape(const std::vector<int64_t> &shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      os << ", ";
    if (shape[i] < 0)
      os << "?";
    else
      os << shape[i];
  }
  os << "]";
  return os.str();
}
