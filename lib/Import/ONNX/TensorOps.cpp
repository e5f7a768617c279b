//===- TensorOps.cpp - ONNX shape, data-movement and reduction operators --===//
#include "ConverterUtils.h"

#include "llvm/ADT/STLExtras.h"

namespace kiln::onnx_import {
using namespace mlir;

std::optional<std::vector<int64_t>>
intsInputOrAttr(const onnx::NodeProto &node, ImportContext &c, int inputIndex,
                int64_t sinceOpset, const std::string &attrName) {
  if (c.opset >= sinceOpset) {
    Value v = input(node, c, inputIndex);
    if (!v)
      return std::nullopt;
    return c.constantInts(v);
  }
  return getInts(node, attrName);
}

namespace {

LogicalResult notConstant(ImportContext &c, const onnx::NodeProto &node,
                          const std::string &what) {
  return c.error() << node.op_type() << ": '" << what
                   << "' must be a constant (an initializer or computed from "
                      "constants); Kiln needs it at compile time";
}

LogicalResult convertConstant(const onnx::NodeProto &node, ImportContext &c) {
  MLIRContext *ctx = c.builder.getContext();
  Builder &b = c.builder;
  if (const onnx::AttributeProto *a = findAttribute(node, "value")) {
    std::string error;
    auto attr = tensorToAttr(ctx, a->t(), error);
    if (failed(attr))
      return c.error() << "Constant: " << error;
    c.define(node.output(0), c.constant(*attr));
    return success();
  }
  auto make = [&](ShapedType type, auto values) {
    c.define(node.output(0), c.constant(DenseElementsAttr::get(type, values)));
    return success();
  };
  if (const onnx::AttributeProto *a = findAttribute(node, "value_float"))
    return make(RankedTensorType::get({}, b.getF32Type()),
                ArrayRef<float>{a->f()});
  if (const onnx::AttributeProto *a = findAttribute(node, "value_int"))
    return make(RankedTensorType::get({}, b.getI64Type()),
                ArrayRef<int64_t>{(int64_t)a->i()});
  if (const onnx::AttributeProto *a = findAttribute(node, "value_floats")) {
    std::vector<float> v(a->floats().begin(), a->floats().end());
    return make(RankedTensorType::get({(int64_t)v.size()}, b.getF32Type()),
                ArrayRef<float>(v));
  }
  if (const onnx::AttributeProto *a = findAttribute(node, "value_ints")) {
    std::vector<int64_t> v(a->ints().begin(), a->ints().end());
    return make(RankedTensorType::get({(int64_t)v.size()}, b.getI64Type()),
                ArrayRef<int64_t>(v));
  }
  return c.error() << "Constant without a supported value attribute (value, "
                      "value_float(s), value_int(s))";
}

Value i64Constant(ImportContext &c, ArrayRef<int64_t> values, bool scalar) {
  auto type = RankedTensorType::get(
      scalar ? ArrayRef<int64_t>{} : ArrayRef<int64_t>{(int64_t)values.size()},
      c.builder.getI64Type());
  return c.constant(DenseElementsAttr::get(type, values));
}

LogicalResult convertShape(const onnx::NodeProto &node, ImportContext &c) {
  auto type = cast<RankedTensorType>(input(node, c, 0).getType());
  int64_t rank = type.getRank();
  int64_t start = getInt(node, "start", 0), end = getInt(node, "end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  std::vector<int64_t> dims;
  for (int64_t d = start; d < end; ++d) {
    if (type.isDynamicDim(d))
      return c.error() << "Shape of a tensor with a dynamic dimension (" << d
                       << ") is not supported yet";
    dims.push_back(type.getDimSize(d));
  }
  c.define(node.output(0), i64Constant(c, dims, false));
  return success();
}

LogicalResult convertSize(const onnx::NodeProto &node, ImportContext &c) {
  auto type = cast<RankedTensorType>(input(node, c, 0).getType());
  if (!type.hasStaticShape())
    return c.error() << "Size of a tensor with dynamic dimensions is not "
                        "supported";
  c.define(node.output(0), i64Constant(c, {type.getNumElements()}, true));
  return success();
}

LogicalResult convertConstantOfShape(const onnx::NodeProto &node,
                                     ImportContext &c) {
  std::optional<std::vector<int64_t>> shape = c.constantInts(input(node, c, 0));
  if (!shape)
    return notConstant(c, node, "input");
  MLIRContext *ctx = c.builder.getContext();
  DenseElementsAttr value = DenseElementsAttr::get(
      RankedTensorType::get({1}, c.builder.getF32Type()), ArrayRef<float>{0.f});
  if (const onnx::AttributeProto *a = findAttribute(node, "value")) {
    std::string error;
    auto attr = tensorToAttr(ctx, a->t(), error);
    if (failed(attr))
      return c.error() << "ConstantOfShape: " << error;
    value = *attr;
  }
  auto type = RankedTensorType::get(*shape, value.getElementType());
  c.define(node.output(0), c.constant(DenseElementsAttr::get(
                               type, *value.getValues<Attribute>().begin())));
  return success();
}

LogicalResult convertRange(const onnx::NodeProto &node, ImportContext &c) {
  std::optional<double> start = c.constantScalar(input(node, c, 0));
  std::optional<double> limit = c.constantScalar(input(node, c, 1));
  std::optional<double> delta = c.constantScalar(input(node, c, 2));
  if (!start || !limit || !delta || *delta == 0)
    return notConstant(c, node, "start, limit and delta");
  int64_t count = std::max<int64_t>(0, std::ceil((*limit - *start) / *delta));
  Type element = elementOf(input(node, c, 0));
  auto type = RankedTensorType::get({count}, element);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    double v = *start + i * *delta;
    values.push_back(
        isa<FloatType>(element)
            ? (Attribute)c.builder.getFloatAttr(element, v)
            : (Attribute)c.builder.getIntegerAttr(element, (int64_t)v));
  }
  c.define(node.output(0), c.constant(DenseElementsAttr::get(type, values)));
  return success();
}

LogicalResult convertMatMul(const onnx::NodeProto &node, ImportContext &c) {
  Value a = input(node, c, 0), b = input(node, c, 1);
  // NumPy semantics for 1-D operands: promote, multiply, drop the unit dim.
  bool vecA = rankOf(a) == 1, vecB = rankOf(b) == 1;
  FailureOr<Value> lhs = a, rhs = b;
  if (vecA)
    lhs = c.build("unsqueeze", {a}, {c.ints("axes", {0})});
  if (vecB)
    rhs = c.build("unsqueeze", {b}, {c.ints("axes", {1})});
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> product = c.build("matmul", {*lhs, *rhs});
  if (failed(product) || (!vecA && !vecB))
    return define(node, c, product);
  int64_t rank = rankOf(*product);
  SmallVector<int64_t> axes;
  if (vecA)
    axes.push_back(rank - 2);
  if (vecB)
    axes.push_back(rank - 1);
  return define(node, c,
                c.build("squeeze", {*product}, {c.ints("axes", axes)}));
}

LogicalResult convertGemm(const onnx::NodeProto &node, ImportContext &c) {
  SmallVector<Value> operands = {input(node, c, 0), input(node, c, 1)};
  if (Value bias = input(node, c, 2))
    operands.push_back(bias);
  return define(node, c,
                c.build("gemm", operands,
                        {c.boolean("trans_a", getInt(node, "transA", 0)),
                         c.boolean("trans_b", getInt(node, "transB", 0)),
                         c.f64("alpha", getFloat(node, "alpha", 1.0f)),
                         c.f64("beta", getFloat(node, "beta", 1.0f))}));
}

LogicalResult convertReshape(const onnx::NodeProto &node, ImportContext &c) {
  std::optional<std::vector<int64_t>> shape =
      c.opset >= 5 ? c.constantInts(input(node, c, 1)) : getInts(node, "shape");
  if (!shape)
    return notConstant(c, node, "shape");
  if (getInt(node, "allowzero", 0) && llvm::is_contained(*shape, 0))
    return c.error() << "Reshape with allowzero=1 and a 0 in the shape is not "
                        "supported";
  return define(
      node, c,
      c.build("reshape", {input(node, c, 0)}, {c.ints("shape", *shape)}));
}

LogicalResult convertTranspose(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  std::vector<int64_t> perm;
  if (auto given = getInts(node, "perm"))
    perm = *given;
  else
    for (int64_t d = rankOf(x) - 1; d >= 0; --d)
      perm.push_back(d);
  return define(node, c, c.build("transpose", {x}, {c.ints("perm", perm)}));
}

LogicalResult convertConcat(const onnx::NodeProto &node, ImportContext &c) {
  SmallVector<Value> inputs;
  for (int i = 0; i < node.input_size(); ++i)
    inputs.push_back(input(node, c, i));
  return define(
      node, c,
      c.build("concat", inputs, {c.i64("axis", getInt(node, "axis", 0))}));
}

LogicalResult convertSlice(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  std::optional<std::vector<int64_t>> starts, ends, axes, steps;
  if (c.opset >= 10) {
    starts = c.constantInts(input(node, c, 1));
    ends = c.constantInts(input(node, c, 2));
    if (input(node, c, 3))
      axes = c.constantInts(input(node, c, 3));
    else
      axes = std::vector<int64_t>();
    if (input(node, c, 4))
      steps = c.constantInts(input(node, c, 4));
    else
      steps = std::vector<int64_t>();
  } else {
    starts = getInts(node, "starts");
    ends = getInts(node, "ends");
    axes = getInts(node, "axes").value_or(std::vector<int64_t>());
    steps = std::vector<int64_t>();
  }
  if (!starts || !ends || !axes || !steps)
    return notConstant(c, node, "starts, ends, axes and steps");
  return define(node, c,
                c.build("slice", {x},
                        {c.ints("starts", *starts), c.ints("ends", *ends),
                         c.ints("axes", *axes), c.ints("steps", *steps)}));
}

LogicalResult convertGather(const onnx::NodeProto &node, ImportContext &c) {
  return define(node, c,
                c.build("gather", {input(node, c, 0), input(node, c, 1)},
                        {c.i64("axis", getInt(node, "axis", 0))}));
}

LogicalResult convertExpand(const onnx::NodeProto &node, ImportContext &c) {
  std::optional<std::vector<int64_t>> shape = c.constantInts(input(node, c, 1));
  if (!shape)
    return notConstant(c, node, "shape");
  return define(
      node, c,
      c.build("expand", {input(node, c, 0)}, {c.ints("shape", *shape)}));
}

LogicalResult convertTile(const onnx::NodeProto &node, ImportContext &c) {
  // tile(x, r) = reshape(expand(x viewed as [1, d0, 1, d1, ...] to
  // [r0, d0, r1, d1, ...]), [r0 * d0, r1 * d1, ...]).
  Value x = input(node, c, 0);
  std::optional<std::vector<int64_t>> repeats =
      c.constantInts(input(node, c, 1));
  if (!repeats)
    return notConstant(c, node, "repeats");
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.hasStaticShape())
    return c.error() << "Tile of a tensor with dynamic dimensions is not "
                        "supported";
  SmallVector<int64_t> axes, expanded, result;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    axes.push_back(2 * d);
    expanded.push_back((*repeats)[d]);
    expanded.push_back(type.getDimSize(d));
    result.push_back((*repeats)[d] * type.getDimSize(d));
  }
  FailureOr<Value> v = c.build("unsqueeze", {x}, {c.ints("axes", axes)});
  if (succeeded(v))
    v = c.build("expand", {*v}, {c.ints("shape", expanded)});
  if (succeeded(v))
    v = c.build("reshape", {*v}, {c.ints("shape", result)});
  return define(node, c, v);
}

LogicalResult convertPad(const onnx::NodeProto &node, ImportContext &c) {
  std::optional<std::vector<int64_t>> pads =
      intsInputOrAttr(node, c, 1, 11, c.opset >= 2 ? "pads" : "paddings");
  if (!pads)
    return notConstant(c, node, "pads");
  double value = getFloat(node, "value", 0.0f);
  if (c.opset >= 11 && input(node, c, 2)) {
    std::optional<double> v = c.constantScalar(input(node, c, 2));
    if (!v)
      return notConstant(c, node, "constant_value");
    value = *v;
  }
  if (c.opset >= 18 && input(node, c, 3))
    return c.error() << "Pad with an axes input is not supported";
  return define(node, c,
                c.build("pad", {input(node, c, 0)},
                        {c.ints("pads", *pads), c.f64("value", value),
                         c.attr("mode", c.builder.getStringAttr(getString(
                                            node, "mode", "constant")))}));
}

LogicalResult convertSqueeze(const onnx::NodeProto &node, ImportContext &c) {
  std::optional<std::vector<int64_t>> axes =
      intsInputOrAttr(node, c, 1, 13, "axes");
  if (!axes && c.opset >= 13 && input(node, c, 1))
    return notConstant(c, node, "axes");
  return define(
      node, c,
      c.build("squeeze", {input(node, c, 0)},
              {c.ints("axes", axes.value_or(std::vector<int64_t>()))}));
}

LogicalResult convertUnsqueeze(const onnx::NodeProto &node, ImportContext &c) {
  std::optional<std::vector<int64_t>> axes =
      intsInputOrAttr(node, c, 1, 13, "axes");
  if (!axes)
    return notConstant(c, node, "axes");
  return define(
      node, c,
      c.build("unsqueeze", {input(node, c, 0)}, {c.ints("axes", *axes)}));
}

LogicalResult convertFlatten(const onnx::NodeProto &node, ImportContext &c) {
  return define(node, c,
                c.build("flatten", {input(node, c, 0)},
                        {c.i64("axis", getInt(node, "axis", 1))}));
}

/// ReduceSum/Mean/Max/Min/Prod and the composite L1, L2, SumSquare, LogSum,
/// LogSumExp. Axes are an attribute, or an input (ReduceSum from opset 13,
/// the others from 18).
LogicalResult convertReduce(const onnx::NodeProto &node, ImportContext &c) {
  static const std::map<std::string, std::pair<std::string, std::string>> ops =
      {// ONNX op -> (prologue unary op or "", kiln reduction)
       {"ReduceSum", {"", "reduce_sum"}},
       {"ReduceMean", {"", "reduce_mean"}},
       {"ReduceMax", {"", "reduce_max"}},
       {"ReduceMin", {"", "reduce_min"}},
       {"ReduceProd", {"", "reduce_prod"}},
       {"ReduceL1", {"abs", "reduce_sum"}},
       {"ReduceL2", {"square", "reduce_sum"}},
       {"ReduceSumSquare", {"square", "reduce_sum"}},
       {"ReduceLogSum", {"", "reduce_sum"}},
       {"ReduceLogSumExp", {"exp", "reduce_sum"}}};
  const auto &[prologue, reduction] = ops.at(node.op_type());
  int64_t axesInputOpset = node.op_type() == "ReduceSum" ? 13 : 18;
  std::optional<std::vector<int64_t>> axes =
      intsInputOrAttr(node, c, 1, axesInputOpset, "axes");
  if (!axes && c.opset >= axesInputOpset && input(node, c, 1))
    return notConstant(c, node, "axes");
  Value x = input(node, c, 0);
  if ((!axes || axes->empty()) && getInt(node, "noop_with_empty_axes", 0)) {
    c.define(node.output(0), x);
    return success();
  }
  FailureOr<Value> v = x;
  if (prologue == "square")
    v = c.build("mul", {x, x});
  else if (!prologue.empty())
    v = c.build(prologue, {x});
  if (succeeded(v))
    v = c.build(reduction, {*v},
                {c.ints("axes", axes.value_or(std::vector<int64_t>())),
                 c.boolean("keepdims", getInt(node, "keepdims", 1))});
  if (succeeded(v) && node.op_type() == "ReduceL2")
    v = c.build("sqrt", {*v});
  if (succeeded(v) &&
      (node.op_type() == "ReduceLogSum" || node.op_type() == "ReduceLogSumExp"))
    v = c.build("log", {*v});
  return define(node, c, v);
}

LogicalResult convertArg(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  int64_t axis = getInt(node, "axis", 0);
  std::string op = node.op_type() == "ArgMax" ? "argmax" : "argmin";
  SmallVector<NamedAttribute> attrs = {
      c.i64("axis", axis), c.boolean("keepdims", getInt(node, "keepdims", 1))};
  if (!getInt(node, "select_last_index", 0))
    return define(node, c, c.build(op, {x}, attrs));
  // The last extreme is (size - 1) minus the first one of the reversed axis.
  int64_t rank = rankOf(x);
  int64_t size = cast<RankedTensorType>(x.getType())
                     .getDimSize(axis < 0 ? axis + rank : axis);
  if (ShapedType::isDynamic(size))
    return c.error() << node.op_type()
                     << " with select_last_index=1 needs a static axis size";
  return guarded([&] {
    Value reversed =
        must(c.build("slice", {x},
                     {c.ints("starts", {-1}), c.ints("ends", {INT64_MIN}),
                      c.ints("axes", {axis}), c.ints("steps", {-1})}));
    Value first = must(c.build(op, {reversed}, attrs));
    Value last = c.scalarConstant(c.builder.getI64Type(), size - 1);
    return define(node, c, c.build("sub", {last, first}));
  });
}

} // namespace

void registerTensorConverters(ConverterTable &table) {
  table["Constant"] = convertConstant;
  table["Shape"] = convertShape;
  table["Size"] = convertSize;
  table["ConstantOfShape"] = convertConstantOfShape;
  table["Range"] = convertRange;
  table["MatMul"] = convertMatMul;
  table["Gemm"] = convertGemm;
  table["Reshape"] = convertReshape;
  table["Transpose"] = convertTranspose;
  table["Concat"] = convertConcat;
  table["Slice"] = convertSlice;
  table["Gather"] = convertGather;
  table["Expand"] = convertExpand;
  table["Tile"] = convertTile;
  table["Pad"] = convertPad;
  table["Squeeze"] = convertSqueeze;
  table["Unsqueeze"] = convertUnsqueeze;
  table["Flatten"] = convertFlatten;
  for (const char *op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
                         "ReduceProd", "ReduceL1", "ReduceL2",
                         "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"})
    table[op] = convertReduce;
  table["ArgMax"] = convertArg;
  table["ArgMin"] = convertArg;
}

} // namespace kiln::onnx_import
