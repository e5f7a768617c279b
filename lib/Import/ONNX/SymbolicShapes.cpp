//===- SymbolicShapes.cpp - Shape subgraphs over dynamic dimensions -------===//
//
// Exporters compute reshape targets from the input's shape, e.g.
// Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1, 64])). With a
// dynamic batch the shape is not a constant, so it is followed symbolically
// here (each entry a constant or a dimension of some value) and turned into
// a kiln.reshape whose shape copies (0) or infers (-1) the dynamic entries.
//
//===----------------------------------------------------------------------===//
#include "ConverterUtils.h"

namespace kiln::onnx_import {
using namespace mlir;

namespace {

const SymbolicShape *symbolic(ImportContext &c, const onnx::NodeProto &node,
                              int i) {
  if (i >= node.input_size())
    return nullptr;
  auto it = c.shapes.find(node.input(i));
  return it == c.shapes.end() ? nullptr : &it->second;
}

/// A symbolic shape or a constant integer tensor as a list of entries.
std::optional<SymbolicShape> entriesOf(ImportContext &c,
                                       const onnx::NodeProto &node, int i) {
  if (const SymbolicShape *s = symbolic(c, node, i))
    return *s;
  std::optional<std::vector<int64_t>> ints = c.constantInts(input(node, c, i));
  if (!ints)
    return std::nullopt;
  SymbolicShape s;
  for (int64_t v : *ints)
    s.entries.push_back({v, Value(), 0, false});
  s.scalar = rankOf(input(node, c, i)) == 0;
  return s;
}

/// Defines `name` as `s`: a constant when every entry is known, which the
/// ordinary converters then take, or a symbolic shape.
LogicalResult record(ImportContext &c, const std::string &name,
                     const SymbolicShape &s) {
  bool known = llvm::all_of(s.entries, [](const SymbolicShape::Entry &e) {
    return !e.of && !e.unknown;
  });
  if (!known) {
    c.shapes[name] = s;
    return success();
  }
  SmallVector<int64_t> values;
  for (const auto &e : s.entries)
    values.push_back(e.constant);
  auto type = RankedTensorType::get(
      s.scalar ? ArrayRef<int64_t>{}
               : ArrayRef<int64_t>{(int64_t)values.size()},
      c.builder.getI64Type());
  c.define(name,
           c.constant(DenseElementsAttr::get(type, ArrayRef<int64_t>(values))));
  return success();
}

LogicalResult unsupported(ImportContext &c, const onnx::NodeProto &node) {
  return c.error() << node.op_type()
                   << " reads a shape with dynamic dimensions; Kiln follows "
                      "such shapes only through Gather, Concat, Slice, "
                      "Unsqueeze, Squeeze, Cast, Identity and integer "
                      "arithmetic into Reshape";
}

/// Reshape to a symbolic shape: dynamic entries that are the same dimension
/// of the reshaped value become 0 (copy), one other becomes -1 (infer).
LogicalResult reshapeTo(ImportContext &c, const onnx::NodeProto &node,
                        const SymbolicShape &shape) {
  Value x = input(node, c, 0);
  std::vector<int64_t> target;
  bool inferred = false;
  for (auto [i, e] : llvm::enumerate(shape.entries)) {
    if (!e.of && !e.unknown) {
      inferred |= e.constant == -1;
      target.push_back(e.constant);
    } else if (e.of == x && e.dim == (int64_t)i) {
      target.push_back(0);
    } else if (!inferred) {
      inferred = true;
      target.push_back(-1);
    } else {
      return c.error() << "Reshape to a shape with several dynamic entries "
                          "that are not dimensions of its input in place";
    }
  }
  return define(node, c, c.build("reshape", {x}, {c.ints("shape", target)}));
}

} // namespace

std::optional<LogicalResult> convertSymbolicShape(const onnx::NodeProto &node,
                                                  ImportContext &c) {
  const std::string &op = node.op_type();
  if (op == "Shape") {
    Value x = input(node, c, 0);
    auto type =
        x ? dyn_cast<RankedTensorType>(x.getType()) : RankedTensorType();
    if (!type || type.hasStaticShape() || findAttribute(node, "start") ||
        findAttribute(node, "end"))
      return std::nullopt;
    SymbolicShape s;
    for (int64_t d = 0; d < type.getRank(); ++d)
      s.entries.push_back(
          type.isDynamicDim(d)
              ? SymbolicShape::Entry{0, x, d}
              : SymbolicShape::Entry{type.getDimSize(d), Value(), 0});
    return record(c, node.output(0), s);
  }
  bool reads = false;
  for (int i = 0; i < node.input_size(); ++i)
    reads |= symbolic(c, node, i) != nullptr;
  if (!reads)
    return std::nullopt;

  if (op == "Reshape" && symbolic(c, node, 1) && !symbolic(c, node, 0))
    return reshapeTo(c, node, *symbolic(c, node, 1));
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Cast" ||
      op == "Identity") {
    SymbolicShape s = *symbolic(c, node, 0);
    if (op == "Unsqueeze")
      s.scalar = false;
    else if (op == "Squeeze")
      s.scalar = s.entries.size() == 1;
    return record(c, node.output(0), s);
  }
  if (op == "Gather" && symbolic(c, node, 0) && getInt(node, "axis", 0) == 0) {
    std::optional<std::vector<int64_t>> indices =
        c.constantInts(input(node, c, 1));
    const SymbolicShape &from = *symbolic(c, node, 0);
    if (!indices)
      return unsupported(c, node);
    SymbolicShape s;
    s.scalar = rankOf(input(node, c, 1)) == 0;
    for (int64_t i : *indices) {
      if (i < 0)
        i += from.entries.size();
      if (i < 0 || i >= (int64_t)from.entries.size())
        return c.error() << "Gather index " << i << " is out of range";
      s.entries.push_back(from.entries[i]);
    }
    return record(c, node.output(0), s);
  }
  if (op == "Concat") {
    SymbolicShape s;
    for (int i = 0; i < node.input_size(); ++i) {
      std::optional<SymbolicShape> part = entriesOf(c, node, i);
      if (!part)
        return unsupported(c, node);
      llvm::append_range(s.entries, part->entries);
    }
    return record(c, node.output(0), s);
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    // Arithmetic on shape entries: exact on constants, unknown otherwise.
    std::optional<SymbolicShape> lhs = entriesOf(c, node, 0);
    std::optional<SymbolicShape> rhs = entriesOf(c, node, 1);
    if (!lhs || !rhs ||
        (lhs->entries.size() != rhs->entries.size() &&
         lhs->entries.size() != 1 && rhs->entries.size() != 1))
      return unsupported(c, node);
    size_t n = std::max(lhs->entries.size(), rhs->entries.size());
    SymbolicShape s;
    s.scalar = lhs->scalar && rhs->scalar;
    for (size_t i = 0; i < n; ++i) {
      const auto &a = lhs->entries[lhs->entries.size() == 1 ? 0 : i];
      const auto &b = rhs->entries[rhs->entries.size() == 1 ? 0 : i];
      SymbolicShape::Entry e;
      if (a.of || a.unknown || b.of || b.unknown ||
          (op == "Div" && !b.constant)) {
        e.unknown = true;
      } else {
        e.constant = op == "Add"   ? a.constant + b.constant
                     : op == "Sub" ? a.constant - b.constant
                     : op == "Mul" ? a.constant * b.constant
                                   : a.constant / b.constant;
      }
      s.entries.push_back(e);
    }
    return record(c, node.output(0), s);
  }
  if (op == "Slice" && symbolic(c, node, 0) && c.opset >= 10) {
    std::optional<std::vector<int64_t>> starts =
        c.constantInts(input(node, c, 1));
    std::optional<std::vector<int64_t>> ends =
        c.constantInts(input(node, c, 2));
    bool unitSteps = !input(node, c, 4) || c.constantInts(input(node, c, 4)) ==
                                               std::vector<int64_t>{1};
    if (!starts || !ends || starts->size() != 1 || !unitSteps)
      return unsupported(c, node);
    const SymbolicShape &from = *symbolic(c, node, 0);
    int64_t size = from.entries.size();
    auto clampIndex = [&](int64_t v) {
      return std::clamp<int64_t>(v < 0 ? v + size : v, 0, size);
    };
    SymbolicShape s;
    for (int64_t i = clampIndex((*starts)[0]); i < clampIndex((*ends)[0]); ++i)
      s.entries.push_back(from.entries[i]);
    return record(c, node.output(0), s);
  }
  return unsupported(c, node);
}

} // namespace kiln::onnx_import
