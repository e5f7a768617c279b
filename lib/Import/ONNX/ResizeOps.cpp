//===- ResizeOps.cpp - ONNX Resize / Upsample as separable gathers --------===//
//
// Each resized axis is resampled on its own: every output position reads a
// few input positions (1 for nearest, 2 for linear, 4 for cubic) with fixed
// weights, all computed here at import time from the static sizes. One axis
// becomes `taps` kiln.gather ops along it, scaled by constant weights and
// summed.
//
//===----------------------------------------------------------------------===//
#include "ConverterUtils.h"

#include <cmath>

namespace kiln::onnx_import {
using namespace mlir;

namespace {

struct Tap {
  std::vector<int64_t> index; // per output position
  std::vector<double> weight;
};

/// Source coordinate of output position `x` along an axis; `outLength` is
/// the unrounded output length (in * scale when scales are given), which
/// align_corners divides by.
std::optional<double> sourceCoordinate(const std::string &mode, double x,
                                       double scale, int64_t in, int64_t out,
                                       double outLength) {
  if (mode == "half_pixel")
    return (x + 0.5) / scale - 0.5;
  if (mode == "pytorch_half_pixel")
    return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
  if (mode == "align_corners")
    return out == 1 ? 0.0 : x * (in - 1) / (outLength - 1);
  if (mode == "asymmetric")
    return x / scale;
  if (mode == "tf_half_pixel_for_nn")
    return (x + 0.5) / scale;
  return std::nullopt;
}

double cubicWeight(double distance, double a) {
  double d = std::abs(distance);
  if (d <= 1)
    return ((a + 2) * d - (a + 3)) * d * d + 1;
  if (d < 2)
    return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  return 0;
}

/// The taps that resample an axis of size `in` to `out`.
FailureOr<std::vector<Tap>> axisTaps(const onnx::NodeProto &node,
                                     ImportContext &c, int64_t in, int64_t out,
                                     double scale, double outLength) {
  std::string mode = getString(node, "mode", "nearest");
  // Upsample and Resize-10 read nearest neighbours as floor(x / scale).
  bool legacy = node.op_type() == "Upsample" || c.opset < 11;
  std::string transform = getString(node, "coordinate_transformation_mode",
                                    legacy ? "asymmetric" : "half_pixel");
  std::string nearest =
      getString(node, "nearest_mode", legacy ? "floor" : "round_prefer_floor");
  double a = getFloat(node, "cubic_coeff_a", -0.75f);
  bool excludeOutside = getInt(node, "exclude_outside", 0);
  int taps = mode == "nearest"  ? 1
             : mode == "linear" ? 2
             : mode == "cubic"  ? 4
                                : 0;
  if (!taps) {
    c.error() << "Resize mode '" << mode << "' is not supported";
    return failure();
  }
  std::vector<Tap> result(taps);
  auto clampIndex = [&](int64_t i) {
    return std::clamp<int64_t>(i, 0, in - 1);
  };
  for (int64_t x = 0; x < out; ++x) {
    std::optional<double> source =
        sourceCoordinate(transform, x, scale, in, out, outLength);
    if (!source) {
      c.error() << "Resize coordinate_transformation_mode '" << transform
                << "' is not supported";
      return failure();
    }
    double s = *source;
    if (mode == "nearest") {
      double r;
      if (nearest == "floor")
        r = std::floor(s);
      else if (nearest == "ceil")
        r = std::ceil(s);
      else if (nearest == "round_prefer_ceil")
        r = std::floor(s + 0.5);
      else
        r = s == std::floor(s) + 0.5 ? std::floor(s) : std::round(s);
      result[0].index.push_back(clampIndex((int64_t)r));
      result[0].weight.push_back(1);
      continue;
    }
    if (mode == "linear") {
      // Positions before the first or after the last input clamp to it.
      s = std::clamp(s, 0.0, (double)(in - 1));
      int64_t x0 = (int64_t)std::floor(s);
      double t = s - x0;
      result[0].index.push_back(clampIndex(x0));
      result[0].weight.push_back(1 - t);
      result[1].index.push_back(clampIndex(x0 + 1));
      result[1].weight.push_back(t);
      continue;
    }
    int64_t x0 = (int64_t)std::floor(s);
    double t = s - x0, total = 0;
    double weights[4];
    for (int k = 0; k < 4; ++k) {
      int64_t i = x0 - 1 + k;
      weights[k] = cubicWeight(t - (k - 1), a);
      if (excludeOutside && (i < 0 || i >= in))
        weights[k] = 0;
      total += weights[k];
    }
    for (int k = 0; k < 4; ++k) {
      result[k].index.push_back(clampIndex(x0 - 1 + k));
      result[k].weight.push_back(excludeOutside ? weights[k] / total
                                                : weights[k]);
    }
  }
  return result;
}

LogicalResult convertResize(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (!type.hasStaticShape())
    return c.error() << node.op_type() << " needs a static input shape";
  if (getString(node, "coordinate_transformation_mode", "") ==
      "tf_crop_and_resize")
    return c.error() << "Resize with tf_crop_and_resize is not supported";
  // Scales come from input 1 (Upsample, Resize-10) or 2; sizes from input 3.
  std::vector<double> scales;
  std::vector<int64_t> sizes;
  int scalesInput = node.op_type() == "Upsample" || c.opset < 11 ? 1 : 2;
  if (Value v = input(node, c, scalesInput)) {
    auto dense = c.constantOf(v);
    if (!dense)
      return c.error() << node.op_type() << ": scales must be a constant";
    for (const APFloat &f : dense->getValues<APFloat>())
      scales.push_back(f.convertToDouble());
  }
  if (Value v = input(node, c, 3)) {
    auto ints = c.constantInts(v);
    if (!ints)
      return c.error() << "Resize: sizes must be a constant";
    sizes = *ints;
  }
  if (scales.empty() && sizes.empty()) {
    if (const onnx::AttributeProto *a = findAttribute(node, "scales"))
      scales.assign(a->floats().begin(), a->floats().end());
  }
  if ((!sizes.empty() && (int64_t)sizes.size() != rank) ||
      (sizes.empty() && (int64_t)scales.size() != rank))
    return c.error() << node.op_type()
                     << " needs scales or sizes for every dimension";
  if (findAttribute(node, "axes"))
    return c.error() << "Resize with axes is not supported";
  return guarded([&]() -> LogicalResult {
    Value result = x;
    Type element = elementOf(x);
    for (int64_t axis = 0; axis < rank; ++axis) {
      int64_t in = type.getDimSize(axis);
      int64_t out =
          sizes.empty() ? (int64_t)std::floor(in * scales[axis]) : sizes[axis];
      double scale = sizes.empty() ? scales[axis] : (double)out / in;
      if (out == in && scale == 1.0)
        continue;
      double outLength = sizes.empty() ? in * scale : (double)out;
      FailureOr<std::vector<Tap>> taps =
          axisTaps(node, c, in, out, scale, outLength);
      if (failed(taps))
        return failure();
      if (taps->size() > 1 && !isa<FloatType>(element)) {
        c.error() << "Resize interpolation of integer tensors is not "
                     "supported";
        return failure();
      }
      SmallVector<int64_t> weightShape(rank, 1);
      weightShape[axis] = out;
      Value sum;
      for (const Tap &tap : *taps) {
        auto indexType = RankedTensorType::get({out}, c.builder.getI64Type());
        Value indices = c.constant(
            DenseElementsAttr::get(indexType, ArrayRef<int64_t>(tap.index)));
        Value gathered =
            must(c.build("gather", {result, indices}, {c.i64("axis", axis)}));
        if (taps->size() > 1) {
          auto weightType = RankedTensorType::get(weightShape, element);
          SmallVector<APFloat> weights;
          for (double w : tap.weight)
            weights.push_back(c.builder.getFloatAttr(element, w).getValue());
          gathered =
              must(c.build("mul", {gathered, c.constant(DenseElementsAttr::get(
                                                 weightType, weights))}));
        }
        sum = sum ? must(c.build("add", {sum, gathered})) : gathered;
      }
      result = sum;
    }
    return define(node, c, result);
  });
}

} // namespace

void registerResizeConverters(ConverterTable &table) {
  table["Resize"] = convertResize;
  table["Upsample"] = convertResize;
}

} // namespace kiln::onnx_import
