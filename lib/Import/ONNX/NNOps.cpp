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
  w.strides =
      getInts(node, "strides").value_or(std::vector<int64_t>(spatial, 1));
  w.dilations =
      getInts(node, "dilations").value_or(std::vector<int64_t>(spatial, 1));
  w.pads = getInts(node, "pads").value_or(std::vector<int64_t>(2 * spatial, 0));
  if ((int64_t)w.kernel.size() != spatial ||
      (int64_t)w.strides.size() != spatial ||
      (int64_t)w.dilations.size() != spatial ||
      (int64_t)w.pads.size() != 2 * spatial) {
    c.error() << node.op_type()
              << ": kernel_shape, strides, dilations and pads "
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
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[i] +
                                   (w.kernel[i] - 1) * w.dilations[i] + 1 - in);
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
  std::vector<int64_t> kernel =
      getInts(node, "kernel_shape")
          .value_or(std::vector<int64_t>(filterType.getShape().begin() + 2,
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

/// ConvTranspose as a stride-1 convolution: the input gets (stride - 1)
/// zeros between its elements and (kernel span - 1 - pad) around it, and the
/// filter is flipped spatially with its in/out channels swapped per group.
LogicalResult convertConvTranspose(const onnx::NodeProto &node,
                                   ImportContext &c) {
  Value x = input(node, c, 0), filter = input(node, c, 1);
  auto filterType = cast<RankedTensorType>(filter.getType());
  if (!filterType.hasStaticShape())
    return c.error() << "ConvTranspose needs a static filter shape";
  std::vector<int64_t> kernel =
      getInts(node, "kernel_shape")
          .value_or(std::vector<int64_t>(filterType.getShape().begin() + 2,
                                         filterType.getShape().end()));
  // auto_pad and output_shape fix the pads from the output size; turn them
  // into explicit pads on a copy of the node.
  onnx::NodeProto explicitNode = node;
  std::string autoPad = getString(node, "auto_pad", "NOTSET");
  std::optional<std::vector<int64_t>> outputShape =
      getInts(node, "output_shape");
  if (autoPad != "NOTSET" || outputShape) {
    auto xType = cast<RankedTensorType>(x.getType());
    size_t spatial = kernel.size();
    std::vector<int64_t> strides =
        getInts(node, "strides").value_or(std::vector<int64_t>(spatial, 1));
    std::vector<int64_t> dilations =
        getInts(node, "dilations").value_or(std::vector<int64_t>(spatial, 1));
    std::vector<int64_t> outputPadding =
        getInts(node, "output_padding")
            .value_or(std::vector<int64_t>(spatial, 0));
    std::vector<int64_t> pads(2 * spatial, 0);
    for (size_t i = 0; i < spatial && autoPad != "VALID"; ++i) {
      int64_t in = xType.getDimSize(2 + i);
      if (ShapedType::isDynamic(in))
        return c.error() << "ConvTranspose with auto_pad or output_shape needs "
                            "static spatial sizes";
      int64_t out = outputShape
                        ? (*outputShape)[outputShape->size() - spatial + i]
                        : in * strides[i];
      int64_t total = strides[i] * (in - 1) + outputPadding[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - out;
      bool upper = autoPad == "SAME_UPPER";
      // A negative total grows the output at the end.
      pads[i] = total < 0 ? 0 : upper ? total / 2 : total - total / 2;
      pads[i + spatial] = total - pads[i];
    }
    for (auto &a : *explicitNode.mutable_attribute())
      if (a.name() == "auto_pad")
        a.set_s("NOTSET");
    onnx::AttributeProto *padsAttr = nullptr;
    for (auto &a : *explicitNode.mutable_attribute())
      if (a.name() == "pads")
        padsAttr = &a;
    if (!padsAttr) {
      padsAttr = explicitNode.add_attribute();
      padsAttr->set_name("pads");
      padsAttr->set_type(onnx::AttributeProto::INTS);
    }
    padsAttr->clear_ints();
    for (int64_t p : pads)
      padsAttr->add_ints(p);
  }
  FailureOr<Window> w = readWindow(explicitNode, c, x, kernel);
  if (failed(w))
    return failure();
  std::vector<int64_t> outputPadding =
      getInts(node, "output_padding").value_or(std::vector<int64_t>());
  if (w->oneDimensional && outputPadding.size() == 1)
    outputPadding.insert(outputPadding.begin(), 0);
  outputPadding.resize(2, 0);
  int64_t groups = getInt(node, "group", 1);
  return guarded([&] {
    Value x2d = must(lift(c, *w, x)), f2d = must(lift(c, *w, filter));
    auto xType = cast<RankedTensorType>(x2d.getType());
    if (xType.isDynamicDim(2) || xType.isDynamicDim(3)) {
      c.error() << "ConvTranspose needs static spatial sizes";
      throw BuildFailed();
    }
    int64_t channels = xType.getDimSize(1);
    int64_t h = xType.getDimSize(2), wd = xType.getDimSize(3);
    int64_t sh = w->strides[0], sw = w->strides[1];
    // Zeros between elements: [N,C,H,1,W,1] padded to [N,C,H,sh,W,sw].
    Value dilated = x2d;
    if (sh > 1 || sw > 1) {
      dilated = must(c.build("unsqueeze", {x2d}, {c.ints("axes", {3, 5})}));
      dilated = must(c.build(
          "pad", {dilated},
          {c.ints("pads", {0, 0, 0, 0, 0, 0, 0, 0, 0, sh - 1, 0, sw - 1})}));
      dilated =
          must(c.build("reshape", {dilated},
                       {c.ints("shape", {0, channels, h * sh, wd * sw})}));
      dilated =
          must(c.build("slice", {dilated},
                       {c.ints("starts", {0, 0}),
                        c.ints("ends", {(h - 1) * sh + 1, (wd - 1) * sw + 1}),
                        c.ints("axes", {2, 3}), c.ints("steps", {1, 1})}));
    }
    // Border: (span - 1 - pad) on each side, plus output_padding at the end.
    std::vector<int64_t> pads(4), crop(4, 0);
    for (int i = 0; i < 2; ++i) {
      int64_t span = w->dilations[i] * (w->kernel[i] - 1);
      int64_t before = span - w->pads[i];
      int64_t after = span - w->pads[i + 2] + outputPadding[i];
      pads[i] = std::max<int64_t>(before, 0);
      pads[i + 2] = std::max<int64_t>(after, 0);
      crop[i] = std::max<int64_t>(-before, 0);
      crop[i + 2] = std::max<int64_t>(-after, 0);
    }
    if (llvm::any_of(crop, [](int64_t v) { return v > 0; })) {
      auto t = cast<RankedTensorType>(dilated.getType());
      dilated =
          must(c.build("slice", {dilated},
                       {c.ints("starts", {crop[0], crop[1]}),
                        c.ints("ends", {t.getDimSize(2) - crop[2],
                                        t.getDimSize(3) - crop[3]}),
                        c.ints("axes", {2, 3}), c.ints("steps", {1, 1})}));
    }
    // Filter [C, F/g, kh, kw] -> [F, C/g, kh, kw], flipped.
    auto fType = cast<RankedTensorType>(f2d.getType());
    int64_t inPerGroup = fType.getDimSize(0) / groups;
    int64_t outPerGroup = fType.getDimSize(1);
    int64_t kh = fType.getDimSize(2), kw = fType.getDimSize(3);
    Value f = must(
        c.build("reshape", {f2d},
                {c.ints("shape", {groups, inPerGroup, outPerGroup, kh, kw})}));
    f = must(c.build("transpose", {f}, {c.ints("perm", {0, 2, 1, 3, 4})}));
    f = must(
        c.build("reshape", {f},
                {c.ints("shape", {groups * outPerGroup, inPerGroup, kh, kw})}));
    f = must(c.build("slice", {f},
                     {c.ints("starts", {-1, -1}),
                      c.ints("ends", {INT64_MIN, INT64_MIN}),
                      c.ints("axes", {2, 3}), c.ints("steps", {-1, -1})}));
    SmallVector<Value> operands = {dilated, f};
    if (Value bias = input(node, c, 2))
      operands.push_back(bias);
    return defineLowered(
        node, c, *w,
        c.build("conv2d", operands,
                {c.ints("pads", pads), c.ints("dilations", w->dilations),
                 c.i64("groups", groups)}));
  });
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
      int64_t ceilOut = (padded - span + w->strides[i] - 1) / w->strides[i] + 1;
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
      node, c, *w, c.build(isMax ? "max_pool2d" : "avg_pool2d", {*x2d}, attrs));
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
    Normalized n =
        normalizeOverAxes(c, x, axes, getFloat(node, "epsilon", 1e-5f));
    Value mean = n.mean, invStd = n.invStdDev;
    Value y = must(c.build("mul", {n.result, input(node, c, 1)}));
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
  table["ConvTranspose"] = convertConvTranspose;
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
