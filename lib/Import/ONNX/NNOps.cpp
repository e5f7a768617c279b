//===- NNOps.cpp - ONNX convolution, pooling and normalization ------------===//
#include "ConverterUtils.h"

namespace kiln::onnx_import {
using namespace mlir;

namespace {

/// Window attributes of Conv and the pools, in kiln's 2-D form.
struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads; // pads: t, l, b, r
  bool oneDimensional = false;
};

/// Reads kernel/strides/dilations/pads/auto_pad for a 1-D or 2-D window over
/// `x` and lifts 1-D windows to 2-D (a unit height).
FailureOr<Window> readWindow(const onnx::NodeProto &node, ImportContext &c,
                             Value x, std::vector<int64_t> kernel) {
  int64_t spatial = rankOf(x) - 2;
  if (spatial != 1 && spatial != 2) {
    c.error() << node.op_type() << " over " << spatial
              << " spatial dimensions is not supported (1-D and 2-D are)";
    return failure();
  }
  Window w;
  w.oneDimensional = spatial == 1;
  w.kernel = kernel;
  w.strides = getInts(node, "strides").value_or(std::vector<int64_t>(spatial, 1));
  w.dilations =
      getInts(node, "dilations").value_or(std::vector<int64_t>(spatial, 1));
  w.pads = getInts(node, "pads").value_or(std::vector<int64_t>(2 * spatial, 0));
  if ((int64_t)w.kernel.size() != spatial ||
      (int64_t)w.strides.size() != spatial ||
      (int64_t)w.dilations.size() != spatial ||
      (int64_t)w.pads.size() != 2 * spatial) {
    c.error() << node.op_type() << ": kernel_shape, strides, dilations and pads "
              << "must match the " << spatial << " spatial dimension(s)";
    return failure();
  }
  std::string autoPad = getString(node, "auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    std::fill(w.pads.begin(), w.pads.end(), 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    auto type = cast<RankedTensorType>(x.getType());
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = type.getDimSize(2 + i);
      if (ShapedType::isDynamic(in)) {
        c.error() << node.op_type() << ": auto_pad " << autoPad
                  << " needs static spatial dimensions";
        return failure();
      }
      int64_t out = (in + w.strides[i] - 1) / w.strides[i];
      int64_t total = std::max<int64_t>(
          0, (out - 1) * w.strides[i] + (w.kernel[i] - 1) * w.dilations[i] + 1 -
                 in);
      int64_t small = total / 2;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : total - small;
      w.pads[i + spatial] = total - w.pads[i];
    }
  } else if (autoPad != "NOTSET") {
    c.error() << node.op_type() << ": unknown auto_pad '" << autoPad << "'";
    return failure();
  }
  if (w.oneDimensional) {
    w.kernel.insert(w.kernel.begin(), 1);
    w.strides.insert(w.strides.begin(), 1);
    w.dilations.insert(w.dilations.begin(), 1);
    w.pads = {0, w.pads[0], 0, w.pads[1]};
  }
  return w;
}

/// Lifts a 1-D (N, C, L) tensor to (N, C, 1, L) when the window is 1-D.
FailureOr<Value> lift(ImportContext &c, const Window &w, Value v) {
  if (!w.oneDimensional)
    return v;
  return c.build("unsqueeze", {v}, {c.ints("axes", {2})});
}
LogicalResult defineLowered(const onnx::NodeProto &node, ImportContext &c,
                            const Window &w, FailureOr<Value> v) {
  if (succeeded(v) && w.oneDimensional)
    v = c.build("squeeze", {*v}, {c.ints("axes", {2})});
  return define(node, c, v);
}

SmallVector<NamedAttribute> windowAttrs(ImportContext &c, const Window &w) {
  return {c.ints("strides", w.strides), c.ints("pads", w.pads),
          c.ints("dilations", w.dilations)};
}

LogicalResult convertConv(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0), filter = input(node, c, 1);
  auto filterType = cast<RankedTensorType>(filter.getType());
  std::vector<int64_t> kernel = getInts(node, "kernel_shape")
                                    .value_or(std::vector<int64_t>(
                                        filterType.getShape().begin() + 2,
                                        filterType.getShape().end()));
  FailureOr<Window> w = readWindow(node, c, x, kernel);
  if (failed(w))
    return failure();
  FailureOr<Value> input2d = lift(c, *w, x), filter2d = lift(c, *w, filter);
  if (failed(input2d) || failed(filter2d))
    return failure();
  SmallVector<Value> operands = {*input2d, *filter2d};
  if (Value bias = input(node, c, 2))
    operands.push_back(bias);
  SmallVector<NamedAttribute> attrs = windowAttrs(c, *w);
  attrs.push_back(c.i64("groups", getInt(node, "group", 1)));
  return defineLowered(node, c, *w, c.build("conv2d", operands, attrs));
}

LogicalResult convertPool(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  if (node.output_size() > 1 && !node.output(1).empty())
    return c.error() << node.op_type() << "'s Indices output is not supported";
  std::optional<std::vector<int64_t>> kernel = getInts(node, "kernel_shape");
  if (!kernel)
    return c.error() << node.op_type() << " needs kernel_shape";
  FailureOr<Window> w = readWindow(node, c, x, *kernel);
  if (failed(w))
    return failure();
  bool isMax = node.op_type() == "MaxPool";
  bool countPad = getInt(node, "count_include_pad", 0);
  if (getInt(node, "ceil_mode", 0)) {
    // Round the output size up by padding the end with enough extra cells.
    if (!isMax && countPad)
      return c.error() << "AveragePool with ceil_mode=1 and "
                          "count_include_pad=1 is not supported";
    auto type = cast<RankedTensorType>(x.getType());
    for (int i = 0; i < 2; ++i) {
      // Spatial dimension i of the lifted 2-D window; a 1-D window has a
      // unit height.
      int64_t in = w->oneDimensional ? (i == 0 ? 1 : type.getDimSize(2))
                                     : type.getDimSize(2 + i);
      if (ShapedType::isDynamic(in))
        return c.error() << node.op_type()
                         << " with ceil_mode=1 needs static spatial sizes";
      int64_t span = w->dilations[i] * (w->kernel[i] - 1) + 1;
      int64_t padded = in + w->pads[i] + w->pads[i + 2];
      int64_t floorOut = (padded - span) / w->strides[i] + 1;
      int64_t ceilOut =
          (padded - span + w->strides[i] - 1) / w->strides[i] + 1;
      // The last window must start inside the input or the leading padding.
      if ((ceilOut - 1) * w->strides[i] >= in + w->pads[i])
        --ceilOut;
      if (ceilOut > floorOut)
        w->pads[i + 2] += (ceilOut - 1) * w->strides[i] + span - padded;
    }
  }
  FailureOr<Value> x2d = lift(c, *w, x);
  if (failed(x2d))
    return failure();
  SmallVector<NamedAttribute> attrs = windowAttrs(c, *w);
  attrs.push_back(c.ints("kernel", w->kernel));
  if (!isMax)
    attrs.push_back(c.boolean("count_include_pad", countPad));
  return defineLowered(
      node, c, *w,
      c.build(isMax ? "max_pool2d" : "avg_pool2d", {*x2d}, attrs));
}

LogicalResult convertGlobalPool(const onnx::NodeProto &node, ImportContext &c) {
  return define(node, c,
                c.build(node.op_type() == "GlobalMaxPool" ? "global_max_pool"
                                                          : "global_avg_pool",
                        {input(node, c, 0)}));
}

LogicalResult convertBatchNorm(const onnx::NodeProto &node, ImportContext &c) {
  for (int i = 1; i < node.output_size(); ++i)
    if (!node.output(i).empty())
      return c.error() << "BatchNormalization in training mode (running "
                          "mean/variance outputs) is not supported";
  SmallVector<Value> operands;
  for (int i = 0; i < 5; ++i)
    operands.push_back(input(node, c, i));
  return define(node, c,
                c.build("batch_norm", operands,
                        {c.f64("epsilon", getFloat(node, "epsilon", 1e-5f))}));
}

/// Written out with primitives when the Mean / InvStdDev outputs are used.
LogicalResult convertLayerNormWithStatistics(const onnx::NodeProto &node,
                                             ImportContext &c) {
  Value x = input(node, c, 0);
  int64_t rank = rankOf(x), axis = getInt(node, "axis", -1);
  if (axis < 0)
    axis += rank;
  std::vector<int64_t> axes;
  for (int64_t d = axis; d < rank; ++d)
    axes.push_back(d);
  return guarded([&] {
    SmallVector<NamedAttribute> reduce = {c.ints("axes", axes),
                                          c.boolean("keepdims", true)};
    Value mean = must(c.build("reduce_mean", {x}, reduce));
    Value centered = must(c.build("sub", {x, mean}));
    Value variance = must(c.build(
        "reduce_mean", {must(c.build("mul", {centered, centered}))}, reduce));
    Value eps = c.scalarConstant(elementOf(x), getFloat(node, "epsilon", 1e-5f));
    Value invStd = must(c.build("rsqrt", {must(c.build("add", {variance, eps}))}));
    Value y = must(c.build("mul", {must(c.build("mul", {centered, invStd})),
                                   input(node, c, 1)}));
    if (Value bias = input(node, c, 2))
      y = must(c.build("add", {y, bias}));
    c.define(node.output(0), y);
    if (node.output_size() > 1 && !node.output(1).empty())
      c.define(node.output(1), mean);
    if (node.output_size() > 2 && !node.output(2).empty())
      c.define(node.output(2), invStd);
    return success();
  });
}

LogicalResult convertLayerNorm(const onnx::NodeProto &node, ImportContext &c) {
  for (int i = 1; i < node.output_size(); ++i)
    if (!node.output(i).empty())
      return convertLayerNormWithStatistics(node, c);
  SmallVector<Value> operands = {input(node, c, 0), input(node, c, 1)};
  if (Value bias = input(node, c, 2))
    operands.push_back(bias);
  return define(node, c,
                c.build("layer_norm", operands,
                        {c.i64("axis", getInt(node, "axis", -1)),
                         c.f64("epsilon", getFloat(node, "epsilon", 1e-5f))}));
}

LogicalResult convertSoftmax(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  std::string op = node.op_type() == "Softmax" ? "softmax" : "log_softmax";
  int64_t rank = rankOf(x);
  if (c.opset >= 13)
    return define(node, c,
                  c.build(op, {x}, {c.i64("axis", getInt(node, "axis", -1))}));
  // Before opset 13 the input is seen as 2-D, [d0 * .. * d(axis-1),
  // d(axis) * .. * d(rank-1)], and normalized over its second dimension.
  int64_t axis = getInt(node, "axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis == rank - 1)
    return define(node, c, c.build(op, {x}, {c.i64("axis", -1)}));
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getNumDynamicDims() > 1)
    return c.error() << node.op_type()
                     << " (opset < 13) over several dynamic dimensions is not "
                        "supported";
  SmallVector<int64_t> shape;
  for (int64_t d : type.getShape())
    shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  FailureOr<Value> v = c.build("flatten", {x}, {c.i64("axis", axis)});
  if (succeeded(v))
    v = c.build(op, {*v}, {c.i64("axis", -1)});
  if (succeeded(v))
    v = c.build("reshape", {*v}, {c.ints("shape", shape)});
  return define(node, c, v);
}

} // namespace

void registerNNConverters(ConverterTable &table) {
  table["Conv"] = convertConv;
  table["MaxPool"] = convertPool;
  table["AveragePool"] = convertPool;
  table["GlobalAveragePool"] = convertGlobalPool;
  table["GlobalMaxPool"] = convertGlobalPool;
  table["BatchNormalization"] = convertBatchNorm;
  table["LayerNormalization"] = convertLayerNorm;
  table["Softmax"] = convertSoftmax;
  table["LogSoftmax"] = convertSoftmax;
}

NodeConverter findConverter(const std::string &opType) {
  static const ConverterTable table = [] {
    ConverterTable t;
    registerElementwiseConverters(t);
    registerTensorConverters(t);
    registerNNConverters(t);
    registerCompositeConverters(t);
    registerResizeConverters(t);
    return t;
  }();
  auto it = table.find(opType);
  return it == table.end() ? nullptr : it->second;
}

} // namespace kiln::onnx_import
