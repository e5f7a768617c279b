//===- CompositeOps.cpp - ONNX operators written with several kiln ops ----===//
#include "ConverterUtils.h"

#include <cmath>

namespace kiln::onnx_import {
using namespace mlir;

namespace {

int64_t normalized(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// A constant built element by element: `fn(row-major index list)`.
Value buildConstant(ImportContext &c, ArrayRef<int64_t> shape, Type element,
                    function_ref<double(ArrayRef<int64_t>)> fn) {
  auto type = RankedTensorType::get(shape, element);
  SmallVector<Attribute> values;
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t n = 0, e = type.getNumElements(); n < e; ++n) {
    double v = fn(index);
    if (isa<FloatType>(element))
      values.push_back(c.builder.getFloatAttr(element, v));
    else if (element.isInteger(1))
      values.push_back(c.builder.getBoolAttr(v != 0));
    else
      values.push_back(c.builder.getIntegerAttr(element, (int64_t)v));
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return c.constant(DenseElementsAttr::get(type, values));
}

/// [1, .., size, .., 1] holding 0..size-1 along `axis`.
Value iota(ImportContext &c, int64_t rank, int64_t axis, int64_t size,
           Type element) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = size;
  return buildConstant(c, shape, element,
                       [&](ArrayRef<int64_t> i) { return (double)i[axis]; });
}

LogicalResult needStatic(ImportContext &c, const onnx::NodeProto &node,
                         Value v) {
  if (typeOf(v).hasStaticShape())
    return success();
  return c.error() << node.op_type() << " needs a static input shape";
}

LogicalResult convertCastLike(const onnx::NodeProto &node, ImportContext &c) {
  return define(node, c,
                castTo(c, input(node, c, 0), elementOf(input(node, c, 1))));
}

LogicalResult convertSplit(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  int64_t rank = rankOf(x);
  int64_t axis = normalized(getInt(node, "axis", 0), rank);
  int64_t size = typeOf(x).getDimSize(axis);
  std::optional<std::vector<int64_t>> sizes =
      intsInputOrAttr(node, c, 1, 13, "split");
  if (!sizes || sizes->empty()) {
    int64_t parts = node.output_size();
    if (ShapedType::isDynamic(size))
      return c.error() << "Split of a dynamic dimension needs explicit sizes";
    int64_t chunk = (size + parts - 1) / parts;
    sizes = std::vector<int64_t>();
    for (int64_t begin = 0; begin < size; begin += chunk)
      sizes->push_back(std::min(chunk, size - begin));
  }
  if ((int64_t)sizes->size() != node.output_size())
    return c.error() << "Split into " << sizes->size() << " parts but the node "
                     << "has " << node.output_size() << " outputs";
  return guarded([&] {
    int64_t begin = 0;
    for (auto [i, length] : llvm::enumerate(*sizes)) {
      c.define(node.output(i),
               must(c.build("slice", {x},
                            {c.ints("starts", {begin}),
                             c.ints("ends", {begin + length}),
                             c.ints("axes", {axis}), c.ints("steps", {1})})));
      begin += length;
    }
    return success();
  });
}

LogicalResult convertHardmax(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  int64_t rank = rankOf(x);
  if (c.opset < 13 && getInt(node, "axis", 1) != rank - 1)
    return c.error() << "Hardmax before opset 13 is supported over the last "
                        "axis only";
  int64_t axis = normalized(getInt(node, "axis", -1), rank);
  int64_t size = typeOf(x).getDimSize(axis);
  if (ShapedType::isDynamic(size))
    return c.error() << "Hardmax needs a static axis size";
  return guarded([&] {
    Value best = must(c.build(
        "argmax", {x}, {c.i64("axis", axis), c.boolean("keepdims", true)}));
    Value positions = iota(c, rank, axis, size, c.builder.getI64Type());
    Value hot = must(c.build("equal", {positions, best}));
    return define(node, c, castTo(c, hot, elementOf(x)));
  });
}

LogicalResult convertTrilu(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  auto type = typeOf(x);
  int64_t rank = type.getRank();
  int64_t rows = type.getDimSize(rank - 2), cols = type.getDimSize(rank - 1);
  if (ShapedType::isDynamic(rows) || ShapedType::isDynamic(cols))
    return c.error() << "Trilu needs static matrix dimensions";
  int64_t k = 0;
  if (Value kValue = input(node, c, 1)) {
    std::optional<double> v = c.constantScalar(kValue);
    if (!v)
      return c.error() << "Trilu: k must be a constant";
    k = (int64_t)*v;
  }
  bool upper = getInt(node, "upper", 1);
  Value mask = buildConstant(c, {rows, cols}, c.builder.getI1Type(),
                             [&](ArrayRef<int64_t> i) {
                               int64_t diagonal = i[1] - i[0];
                               return upper ? diagonal >= k : diagonal <= k;
                             });
  Value zero = c.scalarConstant(elementOf(x), 0);
  return define(node, c, c.build("where", {mask, x, zero}));
}

/// CumSum along an axis of static size L: a matmul with an L x L triangular
/// matrix of ones (shaped by `exclusive` and `reverse`).
LogicalResult convertCumSum(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  std::optional<double> axisValue = c.constantScalar(input(node, c, 1));
  if (!axisValue)
    return c.error() << "CumSum: axis must be a constant";
  int64_t rank = rankOf(x);
  int64_t axis = normalized((int64_t)*axisValue, rank);
  int64_t size = typeOf(x).getDimSize(axis);
  if (ShapedType::isDynamic(size))
    return c.error() << "CumSum needs a static size along its axis";
  bool exclusive = getInt(node, "exclusive", 0),
       reverse = getInt(node, "reverse", 0);
  // out[j] = sum_i x[i] * T[i][j].
  Value triangle =
      buildConstant(c, {size, size}, elementOf(x), [&](ArrayRef<int64_t> ij) {
        int64_t i = ij[0], j = ij[1];
        if (reverse)
          return exclusive ? (double)(i > j) : (double)(i >= j);
        return exclusive ? (double)(i < j) : (double)(i <= j);
      });
  return guarded([&] {
    std::vector<int64_t> perm;
    for (int64_t d = 0; d < rank; ++d)
      perm.push_back(d);
    std::swap(perm[axis], perm[rank - 1]);
    Value moved = rank == 1
                      ? must(c.build("unsqueeze", {x}, {c.ints("axes", {0})}))
                      : must(c.build("transpose", {x}, {c.ints("perm", perm)}));
    Value summed = must(c.build("matmul", {moved, triangle}));
    Value result =
        rank == 1
            ? must(c.build("squeeze", {summed}, {c.ints("axes", {0})}))
            : must(c.build("transpose", {summed}, {c.ints("perm", perm)}));
    return define(node, c, result);
  });
}

LogicalResult convertIsInf(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  Type element = elementOf(x);
  return guarded([&] {
    Value positive =
        must(c.build("equal", {x, c.scalarConstant(element, INFINITY)}));
    Value negative =
        must(c.build("equal", {x, c.scalarConstant(element, -INFINITY)}));
    bool detectPositive = getInt(node, "detect_positive", 1);
    bool detectNegative = getInt(node, "detect_negative", 1);
    if (detectPositive && detectNegative)
      return define(node, c, c.build("or", {positive, negative}));
    if (detectPositive)
      return define(node, c, positive);
    if (detectNegative)
      return define(node, c, negative);
    return define(node, c, c.build("and", {positive, negative}));
  });
}

/// Hyperbolic functions and their inverses from exp, log and sqrt.
LogicalResult convertHyperbolic(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  Type element = elementOf(x);
  const std::string &op = node.op_type();
  auto k = [&](double v) { return c.scalarConstant(element, v); };
  return guarded([&] {
    if (op == "Sinh" || op == "Cosh") {
      Value up = must(c.build("exp", {x}));
      Value down = must(c.build("exp", {must(c.build("neg", {x}))}));
      Value sum = must(c.build(op == "Sinh" ? "sub" : "add", {up, down}));
      return define(node, c, c.build("mul", {sum, k(0.5)}));
    }
    if (op == "Asinh" || op == "Acosh") {
      Value square = must(c.build("mul", {x, x}));
      Value inner =
          must(c.build(op == "Asinh" ? "add" : "sub", {square, k(1)}));
      Value sum = must(c.build("add", {x, must(c.build("sqrt", {inner}))}));
      return define(node, c, c.build("log", {sum}));
    }
    // Atanh: 0.5 * log((1 + x) / (1 - x)).
    Value ratio = must(c.build("div", {must(c.build("add", {k(1), x})),
                                       must(c.build("sub", {k(1), x}))}));
    return define(node, c,
                  c.build("mul", {must(c.build("log", {ratio})), k(0.5)}));
  });
}

LogicalResult convertEyeLike(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  if (failed(needStatic(c, node, x)) || rankOf(x) != 2)
    return rankOf(x) != 2 ? c.error() << "EyeLike needs a 2-D input"
                          : failure();
  Type element = elementOf(x);
  if (const onnx::AttributeProto *dtype = findAttribute(node, "dtype"))
    element = elementType(c.builder.getContext(), dtype->i());
  if (!element)
    return c.error() << "EyeLike: unsupported dtype";
  int64_t k = getInt(node, "k", 0);
  c.define(node.output(0), buildConstant(c, typeOf(x).getShape(), element,
                                         [&](ArrayRef<int64_t> i) {
                                           return (double)(i[1] - i[0] == k);
                                         }));
  return success();
}

LogicalResult convertShrink(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  Type element = elementOf(x);
  double bias = getFloat(node, "bias", 0.0f),
         lambd = getFloat(node, "lambd", 0.5f);
  auto k = [&](double v) { return c.scalarConstant(element, v); };
  return guarded([&] {
    Value below = must(c.build("less", {x, k(-lambd)}));
    Value above = must(c.build("greater", {x, k(lambd)}));
    Value raised = must(c.build("add", {x, k(bias)}));
    Value lowered = must(c.build("sub", {x, k(bias)}));
    Value inner = must(c.build("where", {above, lowered, k(0)}));
    return define(node, c, c.build("where", {below, raised, inner}));
  });
}

/// DepthToSpace / SpaceToDepth as reshape, transpose, reshape.
LogicalResult convertDepthSpace(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  auto type = typeOf(x);
  if (type.getRank() != 4 || type.isDynamicDim(1) || type.isDynamicDim(2) ||
      type.isDynamicDim(3))
    return c.error() << node.op_type()
                     << " needs a 4-D input with static C, H and W";
  int64_t b = getInt(node, "blocksize", 1);
  int64_t ch = type.getDimSize(1), h = type.getDimSize(2),
          w = type.getDimSize(3);
  std::vector<int64_t> split, perm, merged;
  if (node.op_type() == "DepthToSpace") {
    bool crd = getString(node, "mode", "DCR") == "CRD";
    split = crd ? std::vector<int64_t>{0, ch / (b * b), b, b, h, w}
                : std::vector<int64_t>{0, b, b, ch / (b * b), h, w};
    perm = crd ? std::vector<int64_t>{0, 1, 4, 2, 5, 3}
               : std::vector<int64_t>{0, 3, 4, 1, 5, 2};
    merged = {0, ch / (b * b), h * b, w * b};
  } else {
    split = {0, ch, h / b, b, w / b, b};
    perm = {0, 3, 5, 1, 2, 4};
    merged = {0, ch * b * b, h / b, w / b};
  }
  return guarded([&] {
    Value v = must(c.build("reshape", {x}, {c.ints("shape", split)}));
    v = must(c.build("transpose", {v}, {c.ints("perm", perm)}));
    return define(node, c, c.build("reshape", {v}, {c.ints("shape", merged)}));
  });
}

} // namespace

Normalized normalizeOverAxes(ImportContext &c, Value x,
                             const std::vector<int64_t> &axes, double epsilon) {
  SmallVector<NamedAttribute> reduce = {c.ints("axes", axes),
                                        c.boolean("keepdims", true)};
  Value mean = must(c.build("reduce_mean", {x}, reduce));
  Value centered = must(c.build("sub", {x, mean}));
  Value variance = must(c.build(
      "reduce_mean", {must(c.build("mul", {centered, centered}))}, reduce));
  Value eps = c.scalarConstant(elementOf(x), epsilon);
  Value invStd =
      must(c.build("rsqrt", {must(c.build("add", {variance, eps}))}));
  return {must(c.build("mul", {centered, invStd})), mean, invStd};
}

namespace {

LogicalResult convertInstanceNorm(const onnx::NodeProto &node,
                                  ImportContext &c) {
  Value x = input(node, c, 0);
  int64_t rank = rankOf(x);
  std::vector<int64_t> spatial, channelAxes;
  for (int64_t d = 2; d < rank; ++d)
    spatial.push_back(d), channelAxes.push_back(d - 1);
  return guarded([&] {
    Value normalizedX =
        normalizeOverAxes(c, x, spatial, getFloat(node, "epsilon", 1e-5f))
            .result;
    Value scale = must(c.build("unsqueeze", {input(node, c, 1)},
                               {c.ints("axes", channelAxes)}));
    Value bias = must(c.build("unsqueeze", {input(node, c, 2)},
                              {c.ints("axes", channelAxes)}));
    return define(
        node, c,
        c.build("add", {must(c.build("mul", {normalizedX, scale})), bias}));
  });
}

LogicalResult convertMVN(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  std::vector<int64_t> axes =
      getInts(node, "axes").value_or(std::vector<int64_t>{0, 2, 3});
  return guarded([&] {
    SmallVector<NamedAttribute> reduce = {c.ints("axes", axes),
                                          c.boolean("keepdims", true)};
    Value mean = must(c.build("reduce_mean", {x}, reduce));
    Value meanOfSquares =
        must(c.build("reduce_mean", {must(c.build("mul", {x, x}))}, reduce));
    Value variance = must(
        c.build("sub", {meanOfSquares, must(c.build("mul", {mean, mean}))}));
    Value std = must(c.build("sqrt", {variance}));
    Value denominator =
        must(c.build("add", {std, c.scalarConstant(elementOf(x), 1e-9)}));
    return define(
        node, c,
        c.build("div", {must(c.build("sub", {x, mean})), denominator}));
  });
}

LogicalResult convertGatherElements(const onnx::NodeProto &node,
                                    ImportContext &c) {
  return define(node, c,
                c.build("gather_elements",
                        {input(node, c, 0), input(node, c, 1)},
                        {c.i64("axis", getInt(node, "axis", 0))}));
}

/// The negative log-likelihood of `logProb` [N, C, d..] at `target`
/// [N, d..] with optional class `weight` [C], `ignore_index` and
/// `reduction`, as ONNX defines it.
Value negativeLogLikelihood(const onnx::NodeProto &node, ImportContext &c,
                            Value logProb, Value target, Value weight) {
  Type element = elementOf(logProb);
  const onnx::AttributeProto *ignore = findAttribute(node, "ignore_index");
  Value ignored, safeTarget = target;
  if (ignore) {
    Value ignoreValue = c.scalarConstant(elementOf(target), ignore->i());
    ignored = must(c.build("equal", {target, ignoreValue}));
    safeTarget = must(c.build(
        "where", {ignored, c.scalarConstant(elementOf(target), 0), target}));
  }
  Value picked = must(c.build("gather_elements",
                              {logProb, must(c.build("unsqueeze", {safeTarget},
                                                     {c.ints("axes", {1})}))},
                              {c.i64("axis", 1)}));
  Value loss = must(c.build(
      "neg", {must(c.build("squeeze", {picked}, {c.ints("axes", {1})}))}));
  Value weights;
  if (weight)
    weights = must(c.build("gather", {weight, safeTarget}, {c.i64("axis", 0)}));
  if (ignored)
    weights = must(
        c.build("where", {ignored, c.scalarConstant(element, 0),
                          weights ? weights : c.scalarConstant(element, 1)}));
  if (weights)
    loss = must(c.build("mul", {loss, weights}));
  std::string reduction = getString(node, "reduction", "mean");
  if (reduction == "none")
    return loss;
  SmallVector<NamedAttribute> all = {c.ints("axes", {}),
                                     c.boolean("keepdims", false)};
  Value total = must(c.build("reduce_sum", {loss}, all));
  if (reduction == "sum")
    return total;
  if (!weights)
    return must(c.build("reduce_mean", {loss}, all));
  if (rankOf(weights) != rankOf(loss))
    weights = must(c.build("expand", {weights},
                           {c.ints("shape", typeOf(loss).getShape())}));
  return must(
      c.build("div", {total, must(c.build("reduce_sum", {weights}, all))}));
}

LogicalResult convertNLLLoss(const onnx::NodeProto &node, ImportContext &c) {
  return guarded([&] {
    return define(node, c,
                  negativeLogLikelihood(node, c, input(node, c, 0),
                                        input(node, c, 1), input(node, c, 2)));
  });
}

LogicalResult convertSoftmaxCrossEntropy(const onnx::NodeProto &node,
                                         ImportContext &c) {
  return guarded([&] {
    Value logProb =
        must(c.build("log_softmax", {input(node, c, 0)}, {c.i64("axis", 1)}));
    c.define(node.output(0),
             negativeLogLikelihood(node, c, logProb, input(node, c, 1),
                                   input(node, c, 2)));
    if (node.output_size() > 1 && !node.output(1).empty())
      c.define(node.output(1), logProb);
    return success();
  });
}

/// OneHot: where(unsqueeze(indices, axis) == iota(depth), on, off), with
/// negative indices counting from `depth`.
LogicalResult convertOneHot(const onnx::NodeProto &node, ImportContext &c) {
  Value indices = input(node, c, 0);
  std::optional<double> depth = c.constantScalar(input(node, c, 1));
  std::optional<DenseElementsAttr> values = c.constantOf(input(node, c, 2));
  if (!depth || !values || values->getNumElements() != 2)
    return c.error() << "OneHot: depth and values must be constants";
  int64_t rank = rankOf(indices) + 1;
  int64_t axis = normalized(getInt(node, "axis", -1), rank);
  Type element = values->getElementType();
  return guarded([&] {
    Value asInt = must(castTo(c, indices, c.builder.getI64Type()));
    Value size = c.scalarConstant(c.builder.getI64Type(), *depth);
    Value negative = must(
        c.build("less", {asInt, c.scalarConstant(c.builder.getI64Type(), 0)}));
    Value wrapped = must(c.build(
        "where", {negative, must(c.build("add", {asInt, size})), asInt}));
    Value expanded =
        must(c.build("unsqueeze", {wrapped}, {c.ints("axes", {axis})}));
    Value hot =
        must(c.build("equal", {expanded, iota(c, rank, axis, (int64_t)*depth,
                                              c.builder.getI64Type())}));
    auto scalarType = RankedTensorType::get({}, element);
    auto pick = [&](int i) {
      return c.constant(DenseElementsAttr::get(
          scalarType, values->getValues<Attribute>()[i]));
    };
    return define(node, c, c.build("where", {hot, pick(1), pick(0)}));
  });
}

} // namespace

void registerCompositeConverters(ConverterTable &table) {
  table["OneHot"] = convertOneHot;
  table["GatherElements"] = convertGatherElements;
  table["NegativeLogLikelihoodLoss"] = convertNLLLoss;
  table["SoftmaxCrossEntropyLoss"] = convertSoftmaxCrossEntropy;
  table["CastLike"] = convertCastLike;
  table["Split"] = convertSplit;
  table["Hardmax"] = convertHardmax;
  table["Trilu"] = convertTrilu;
  table["CumSum"] = convertCumSum;
  table["IsInf"] = convertIsInf;
  for (const char *op : {"Sinh", "Cosh", "Asinh", "Acosh", "Atanh"})
    table[op] = convertHyperbolic;
  table["EyeLike"] = convertEyeLike;
  table["Shrink"] = convertShrink;
  table["DepthToSpace"] = convertDepthSpace;
  table["SpaceToDepth"] = convertDepthSpace;
  table["InstanceNormalization"] = convertInstanceNorm;
  table["MeanVarianceNormalization"] = convertMVN;
}

} // namespace kiln::onnx_import
