//===- KilnOps.cpp - Kiln op verification and type inference --------------===//
#include "dialects/Kiln/KilnOps.h"
#include "dialects/Kiln/ShapeInference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

#include <cmath>

using namespace mlir;
using namespace mlir::kiln;

namespace mlir::kiln {
namespace {

template <typename T> std::string toString(T value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << value;
  return text;
}

RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

LogicalResult inferError(std::optional<Location> loc, StringRef opName,
                         const Twine &message) {
  return emitInferError(loc, opName, message);
}

/// Broadcasts the shapes of `operands`, which must share an element type;
/// the result has `resultElement` (or the shared one when null).
LogicalResult inferBroadcast(std::optional<Location> loc, StringRef opName,
                             ValueRange operands, Type resultElement,
                             SmallVectorImpl<Type> &types) {
  Type element = rankedType(operands.front()).getElementType();
  if (element.isInteger() && !element.isSignlessInteger())
    return inferError(loc, opName,
                      "element type " + toString(element) +
                          " is not supported: arithmetic needs float, bool "
                          "or signless integer elements");
  SmallVector<int64_t> shape;
  for (Value operand : operands) {
    RankedTensorType type = rankedType(operand);
    if (type.getElementType() != element)
      return inferError(loc, opName,
                        "operands have different element types: expected " +
                            toString(element) + ", got " +
                            toString(type.getElementType()));
    SmallVector<int64_t> next;
    if (failed(broadcastShapes(shape, type.getShape(), next)))
      return inferError(
          loc, opName,
          "operand shapes are not broadcast-compatible: " + formatShape(shape) +
              " and " + formatShape(type.getShape()));
    shape = next;
  }
  types.push_back(
      RankedTensorType::get(shape, resultElement ? resultElement : element));
  return success();
}

/// Checks that `axes` are unique and in range for `rank`; returns them
/// normalized and sorted.
FailureOr<SmallVector<int64_t>> normalizeAxes(std::optional<Location> loc,
                                              StringRef opName,
                                              ArrayRef<int64_t> axes,
                                              int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    std::optional<int64_t> normalized = normalizeAxis(axis, rank);
    if (!normalized) {
      (void)inferError(loc, opName,
                       "axis " + Twine(axis) + " is out of range for rank " +
                           Twine(rank));
      return failure();
    }
    if (llvm::is_contained(result, *normalized)) {
      (void)inferError(loc, opName, "axis " + Twine(axis) + " is repeated");
      return failure();
    }
    result.push_back(*normalized);
  }
  llvm::sort(result);
  return result;
}

/// `axis` normalized into [0, rank), or failure with a diagnostic.
FailureOr<int64_t> checkAxis(std::optional<Location> loc, StringRef opName,
                             int64_t axis, int64_t rank) {
  auto axes = normalizeAxes(loc, opName, {axis}, rank);
  if (failed(axes))
    return failure();
  return axes->front();
}

LogicalResult checkSizes(std::optional<Location> loc, StringRef opName,
                         StringRef name, ArrayRef<int64_t> values, size_t count,
                         int64_t minimum) {
  if (values.size() != count)
    return inferError(loc, opName,
                      "'" + name + "' needs " + Twine(count) + " values, got " +
                          Twine(values.size()));
  for (int64_t v : values)
    if (v < minimum)
      return inferError(loc, opName,
                        "'" + name + "' values must be >= " + Twine(minimum) +
                            ", got " + Twine(v));
  return success();
}

bool staticMismatch(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

} // namespace

//===----------------------------------------------------------------------===//
// Result type inference, called from the ODS-generated inferReturnTypes.
//===----------------------------------------------------------------------===//

template <typename Adaptor>
LogicalResult inferArithBinary(std::optional<Location> loc, StringRef opName,
                               Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferBroadcast(loc, opName, adaptor.getOperands(), Type(), types);
}

template <typename Adaptor>
LogicalResult inferCompareBinary(std::optional<Location> loc, StringRef opName,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &types) {
  Type i1 = IntegerType::get(adaptor.getLhs().getContext(), 1);
  return inferBroadcast(loc, opName, adaptor.getOperands(), i1, types);
}

LogicalResult inferWhere(std::optional<Location> loc, StringRef opName,
                         WhereOp::Adaptor adaptor,
                         SmallVectorImpl<Type> &types) {
  SmallVector<Type> branch;
  if (failed(inferBroadcast(loc, opName,
                            {adaptor.getOnTrue(), adaptor.getOnFalse()}, Type(),
                            branch)))
    return failure();
  auto branchType = cast<RankedTensorType>(branch.front());
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes(rankedType(adaptor.getCondition()).getShape(),
                             branchType.getShape(), shape)))
    return inferError(
        loc, opName,
        "condition shape " +
            formatShape(rankedType(adaptor.getCondition()).getShape()) +
            " does not broadcast with " + formatShape(branchType.getShape()));
  types.push_back(RankedTensorType::get(shape, branchType.getElementType()));
  return success();
}

LogicalResult inferMatmul(std::optional<Location> loc, StringRef opName,
                          MatmulOp::Adaptor adaptor,
                          SmallVectorImpl<Type> &types) {
  RankedTensorType lhs = rankedType(adaptor.getLhs());
  RankedTensorType rhs = rankedType(adaptor.getRhs());
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return inferError(loc, opName,
                      "operands must have rank >= 2, got " +
                          Twine(lhs.getRank()) + " and " +
                          Twine(rhs.getRank()));
  if (lhs.getElementType() != rhs.getElementType())
    return inferError(loc, opName, "operands have different element types");
  int64_t k1 = lhs.getShape().back();
  int64_t k2 = rhs.getShape()[rhs.getRank() - 2];
  if (staticMismatch(k1, k2))
    return inferError(
        loc, opName,
        "contraction dimensions differ: lhs " + formatShape(lhs.getShape()) +
            " has K = " + Twine(k1) + ", rhs " + formatShape(rhs.getShape()) +
            " has K = " + Twine(k2));
  SmallVector<int64_t> batch;
  if (failed(broadcastShapes(lhs.getShape().drop_back(2),
                             rhs.getShape().drop_back(2), batch)))
    return inferError(loc, opName,
                      "batch dimensions do not broadcast: " +
                          formatShape(lhs.getShape().drop_back(2)) + " and " +
                          formatShape(rhs.getShape().drop_back(2)));
  batch.push_back(lhs.getShape()[lhs.getRank() - 2]);
  batch.push_back(rhs.getShape().back());
  types.push_back(RankedTensorType::get(batch, lhs.getElementType()));
  return success();
}

LogicalResult inferGemm(std::optional<Location> loc, StringRef opName,
                        GemmOp::Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType a = rankedType(adaptor.getA());
  RankedTensorType b = rankedType(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return inferError(loc, opName,
                      "A and B must be 2-D, got rank " + Twine(a.getRank()) +
                          " and " + Twine(b.getRank()));
  if (a.getElementType() != b.getElementType())
    return inferError(loc, opName, "A and B have different element types");
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t ka = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t kb = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  if (staticMismatch(ka, kb))
    return inferError(loc, opName,
                      "contraction dimensions differ: " + Twine(ka) + " vs " +
                          Twine(kb));
  // Integer products can only be scaled by whole numbers.
  double alpha = adaptor.getAlpha().convertToDouble();
  double beta = adaptor.getBeta().convertToDouble();
  if (!isa<FloatType>(a.getElementType()) &&
      (alpha != std::trunc(alpha) || beta != std::trunc(beta)))
    return inferError(loc, opName,
                      "alpha and beta must be whole numbers for element type " +
                          toString(a.getElementType()));
  SmallVector<int64_t> shape = {m, n};
  if (Value c = adaptor.getC()) {
    RankedTensorType cType = rankedType(c);
    SmallVector<int64_t> broadcast;
    if (cType.getElementType() != a.getElementType() || cType.getRank() > 2 ||
        failed(broadcastShapes(shape, cType.getShape(), broadcast)) ||
        llvm::any_of(llvm::zip(broadcast, shape), [](auto pair) {
          return staticMismatch(std::get<0>(pair), std::get<1>(pair));
        }))
      return inferError(loc, opName,
                        "C of type " + toString(cType) +
                            " does not broadcast to the result " +
                            formatShape(shape));
    // A static size in C fixes a dynamic M or N, as `matmul + C` would.
    shape = broadcast;
  }
  types.push_back(RankedTensorType::get(shape, a.getElementType()));
  return success();
}

namespace {
/// Output spatial sizes of a 2-D window op over an NCHW input.
LogicalResult inferWindow(std::optional<Location> loc, StringRef opName,
                          RankedTensorType input, ArrayRef<int64_t> kernel,
                          ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                          ArrayRef<int64_t> dilations,
                          SmallVectorImpl<int64_t> &spatial) {
  if (failed(checkSizes(loc, opName, "strides", strides, 2, 1)) ||
      failed(checkSizes(loc, opName, "pads", pads, 4, 0)) ||
      failed(checkSizes(loc, opName, "dilations", dilations, 2, 1)))
    return failure();
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> size =
        windowOutputSize(input.getDimSize(2 + i), kernel[i], strides[i],
                         dilations[i], pads[i], pads[i + 2]);
    if (!size)
      return inferError(loc, opName,
                        "window of " + Twine(kernel[i]) + " (dilation " +
                            Twine(dilations[i]) + ") does not fit spatial " +
                            "dimension " + Twine(2 + i) + " of size " +
                            Twine(input.getDimSize(2 + i)) + " plus padding");
    spatial.push_back(*size);
  }
  return success();
}
} // namespace

LogicalResult inferConv2D(std::optional<Location> loc, StringRef opName,
                          Conv2DOp::Adaptor adaptor,
                          SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  RankedTensorType filter = rankedType(adaptor.getFilter());
  if (input.getRank() != 4 || filter.getRank() != 4)
    return inferError(loc, opName,
                      "input and filter must be 4-D (NCHW, FCHW), got rank " +
                          Twine(input.getRank()) + " and " +
                          Twine(filter.getRank()));
  if (input.getElementType() != filter.getElementType())
    return inferError(loc, opName,
                      "input and filter have different element types");
  int64_t groups = adaptor.getGroups();
  if (groups < 1)
    return inferError(loc, opName, "groups must be >= 1");
  if (filter.isDynamicDim(0) || filter.isDynamicDim(1) ||
      filter.isDynamicDim(2) || filter.isDynamicDim(3))
    return inferError(loc, opName, "filter shape must be static");
  int64_t channels = input.getDimSize(1);
  int64_t features = filter.getDimSize(0);
  if (features % groups != 0)
    return inferError(loc, opName,
                      "filter count " + Twine(features) +
                          " is not divisible by groups " + Twine(groups));
  if (!ShapedType::isDynamic(channels) &&
      filter.getDimSize(1) * groups != channels)
    return inferError(
        loc, opName,
        "input has " + Twine(channels) + " channels but filter expects " +
            Twine(filter.getDimSize(1)) + " x " + Twine(groups) + " groups");
  if (Value bias = adaptor.getBias()) {
    RankedTensorType biasType = rankedType(bias);
    if (biasType.getRank() != 1 ||
        staticMismatch(biasType.getDimSize(0), features) ||
        biasType.getElementType() != input.getElementType())
      return inferError(
          loc, opName,
          "bias must be 1-D of size " + Twine(features) + " and element type " +
              toString(input.getElementType()) + ", got " + toString(biasType));
  }
  SmallVector<int64_t> shape = {input.getDimSize(0), features};
  if (failed(inferWindow(loc, opName, input, filter.getShape().drop_front(2),
                         adaptor.getStrides(), adaptor.getPads(),
                         adaptor.getDilations(), shape)))
    return failure();
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

template <typename Adaptor>
LogicalResult inferPool2D(std::optional<Location> loc, StringRef opName,
                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  if (input.getRank() != 4)
    return inferError(loc, opName,
                      "input must be 4-D (NCHW), got rank " +
                          Twine(input.getRank()));
  if (failed(checkSizes(loc, opName, "kernel", adaptor.getKernel(), 2, 1)))
    return failure();
  SmallVector<int64_t> shape = {input.getDimSize(0), input.getDimSize(1)};
  if (failed(inferWindow(loc, opName, input, adaptor.getKernel(),
                         adaptor.getStrides(), adaptor.getPads(),
                         adaptor.getDilations(), shape)))
    return failure();
  ArrayRef<int64_t> pads = adaptor.getPads();
  ArrayRef<int64_t> kernel = adaptor.getKernel();
  if (pads[0] >= kernel[0] || pads[2] >= kernel[0] || pads[1] >= kernel[1] ||
      pads[3] >= kernel[1])
    return inferError(loc, opName, "pads must be smaller than the kernel");
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

template <typename Adaptor>
LogicalResult inferGlobalPool(std::optional<Location> loc, StringRef opName,
                              Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  if (input.getRank() < 3)
    return inferError(loc, opName,
                      "input must have rank >= 3 (N, C, spatial...), got " +
                          Twine(input.getRank()));
  SmallVector<int64_t> shape(input.getShape());
  std::fill(shape.begin() + 2, shape.end(), 1);
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

template <typename Adaptor>
LogicalResult inferReduce(std::optional<Location> loc, StringRef opName,
                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  auto axes = normalizeAxes(loc, opName, adaptor.getAxes(), input.getRank());
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(input.getShape())) {
    bool reduced = axes->empty() || llvm::is_contained(*axes, (int64_t)i);
    if (!reduced)
      shape.push_back(d);
    else if (adaptor.getKeepdims())
      shape.push_back(1);
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

template <typename Adaptor>
LogicalResult inferArgReduce(std::optional<Location> loc, StringRef opName,
                             Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  FailureOr<int64_t> axis =
      checkAxis(loc, opName, (int64_t)adaptor.getAxis(), input.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(input.getShape());
  if (adaptor.getKeepdims())
    shape[*axis] = 1;
  else
    shape.erase(shape.begin() + *axis);
  types.push_back(
      RankedTensorType::get(shape, IntegerType::get(input.getContext(), 64)));
  return success();
}

LogicalResult inferReshape(std::optional<Location> loc, StringRef opName,
                           ReshapeOp::Adaptor adaptor,
                           SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  std::string error;
  auto shape = resolveReshape(input.getShape(), adaptor.getShape(), error);
  if (failed(shape))
    return inferError(loc, opName, error);
  types.push_back(RankedTensorType::get(*shape, input.getElementType()));
  return success();
}

LogicalResult inferTranspose(std::optional<Location> loc, StringRef opName,
                             TransposeOp::Adaptor adaptor,
                             SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if ((int64_t)perm.size() != input.getRank() ||
      llvm::any_of(llvm::enumerate(sorted),
                   [](auto it) { return it.value() != (int64_t)it.index(); }))
    return inferError(loc, opName,
                      "perm must be a permutation of 0.." +
                          Twine(input.getRank() - 1));
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(input.getDimSize(p));
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult inferConcat(std::optional<Location> loc, StringRef opName,
                          ConcatOp::Adaptor adaptor,
                          SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return inferError(loc, opName, "needs at least one input");
  RankedTensorType first = rankedType(adaptor.getInputs().front());
  FailureOr<int64_t> axis =
      checkAxis(loc, opName, (int64_t)adaptor.getAxis(), first.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (auto [index, value] : llvm::enumerate(adaptor.getInputs())) {
    RankedTensorType type = rankedType(value);
    if (index == 0)
      continue;
    if (type.getRank() != first.getRank() ||
        type.getElementType() != first.getElementType())
      return inferError(loc, opName,
                        "input " + Twine(index) + " has type " +
                            toString(type) + ", expected rank " +
                            Twine(first.getRank()) + " and element type " +
                            toString(first.getElementType()));
    for (int64_t d = 0; d < type.getRank(); ++d) {
      int64_t size = type.getDimSize(d);
      if (d == *axis) {
        shape[d] =
            ShapedType::isDynamic(shape[d]) || ShapedType::isDynamic(size)
                ? ShapedType::kDynamic
                : shape[d] + size;
      } else if (staticMismatch(shape[d], size)) {
        return inferError(loc, opName,
                          "input " + Twine(index) + " has size " + Twine(size) +
                              " in dimension " + Twine(d) + ", expected " +
                              Twine(shape[d]));
      } else if (ShapedType::isDynamic(shape[d])) {
        shape[d] = size;
      }
    }
  }
  types.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult inferSlice(std::optional<Location> loc, StringRef opName,
                         SliceOp::Adaptor adaptor,
                         SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  ArrayRef<int64_t> starts = adaptor.getStarts();
  ArrayRef<int64_t> ends = adaptor.getEnds();
  ArrayRef<int64_t> steps = adaptor.getSteps();
  ArrayRef<int64_t> axesAttr = adaptor.getAxes();
  if (ends.size() != starts.size() ||
      (!axesAttr.empty() && axesAttr.size() != starts.size()) ||
      (!steps.empty() && steps.size() != starts.size()))
    return inferError(loc, opName,
                      "starts, ends, axes and steps must have the same length");
  SmallVector<int64_t> axes(axesAttr);
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
  SmallVector<int64_t> shape(input.getShape());
  llvm::SmallSet<int64_t, 4> seen;
  for (size_t i = 0; i < starts.size(); ++i) {
    std::optional<int64_t> axis = normalizeAxis(axes[i], input.getRank());
    if (!axis || !seen.insert(*axis).second)
      return inferError(loc, opName,
                        "axis " + Twine(axes[i]) +
                            " is out of range or repeated for rank " +
                            Twine(input.getRank()));
    int64_t step = steps.empty() ? 1 : steps[i];
    if (step == 0)
      return inferError(loc, opName, "steps must not be 0");
    if (!input.isDynamicDim(*axis))
      shape[*axis] =
          resolveSliceRange(input.getDimSize(*axis), starts[i], ends[i], step)
              .second;
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult inferGather(std::optional<Location> loc, StringRef opName,
                          GatherOp::Adaptor adaptor,
                          SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  FailureOr<int64_t> axis =
      checkAxis(loc, opName, (int64_t)adaptor.getAxis(), data.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult inferGatherElements(std::optional<Location> loc, StringRef opName,
                                  GatherElementsOp::Adaptor adaptor,
                                  SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  if (data.getRank() != indices.getRank())
    return inferError(loc, opName,
                      "data and indices must have the same rank, got " +
                          Twine(data.getRank()) + " and " +
                          Twine(indices.getRank()));
  FailureOr<int64_t> axis =
      checkAxis(loc, opName, (int64_t)adaptor.getAxis(), data.getRank());
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < data.getRank(); ++d)
    if (d != *axis && !ShapedType::isDynamic(indices.getDimSize(d)) &&
        !ShapedType::isDynamic(data.getDimSize(d)) &&
        indices.getDimSize(d) > data.getDimSize(d))
      return inferError(loc, opName,
                        "indices dimension " + Twine(d) + " (" +
                            Twine(indices.getDimSize(d)) +
                            ") exceeds the data's (" +
                            Twine(data.getDimSize(d)) + ")");
  types.push_back(
      RankedTensorType::get(indices.getShape(), data.getElementType()));
  return success();
}

LogicalResult inferExpand(std::optional<Location> loc, StringRef opName,
                          ExpandOp::Adaptor adaptor,
                          SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  if (llvm::any_of(adaptor.getShape(), [](int64_t d) { return d < 1; }))
    return inferError(loc, opName, "shape entries must be >= 1");
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes(input.getShape(), adaptor.getShape(), shape)))
    return inferError(loc, opName,
                      "cannot broadcast " + formatShape(input.getShape()) +
                          " to " + formatShape(adaptor.getShape()));
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult inferPad(std::optional<Location> loc, StringRef opName,
                       PadOp::Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  int64_t rank = input.getRank();
  if (failed(checkSizes(loc, opName, "pads", adaptor.getPads(), 2 * rank, 0)))
    return failure();
  StringRef mode = adaptor.getMode();
  if (mode != "constant" && mode != "edge" && mode != "reflect")
    return inferError(loc, opName,
                      "mode must be constant, edge or reflect, got '" + mode +
                          "'");
  SmallVector<int64_t> shape(input.getShape());
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = adaptor.getPads()[d], after = adaptor.getPads()[d + rank];
    if (mode == "reflect" && !input.isDynamicDim(d) &&
        (before >= shape[d] || after >= shape[d]) && (before || after))
      return inferError(loc, opName,
                        "reflect pads must be smaller than dimension " +
                            Twine(d) + " of size " + Twine(shape[d]));
    if (!input.isDynamicDim(d))
      shape[d] += before + after;
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult inferSqueeze(std::optional<Location> loc, StringRef opName,
                           SqueezeOp::Adaptor adaptor,
                           SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  auto axes = normalizeAxes(loc, opName, adaptor.getAxes(), input.getRank());
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(input.getShape())) {
    bool listed = llvm::is_contained(*axes, (int64_t)i);
    if (listed && d != 1)
      return inferError(loc, opName,
                        "cannot squeeze dimension " + Twine(i) + " of size " +
                            (ShapedType::isDynamic(d) ? std::string("?")
                                                      : std::to_string(d)) +
                            "; expected a static 1");
    if (listed || (axes->empty() && d == 1))
      continue;
    shape.push_back(d);
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult inferUnsqueeze(std::optional<Location> loc, StringRef opName,
                             UnsqueezeOp::Adaptor adaptor,
                             SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  int64_t rank = input.getRank() + adaptor.getAxes().size();
  auto axes = normalizeAxes(loc, opName, adaptor.getAxes(), rank);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> rest = input.getShape();
  for (int64_t i = 0; i < rank; ++i) {
    if (llvm::is_contained(*axes, i)) {
      shape.push_back(1);
    } else {
      shape.push_back(rest.front());
      rest = rest.drop_front();
    }
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult inferFlatten(std::optional<Location> loc, StringRef opName,
                           FlattenOp::Adaptor adaptor,
                           SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  int64_t axis = (int64_t)adaptor.getAxis();
  if (axis < 0)
    axis += input.getRank();
  if (axis < 0 || axis > input.getRank())
    return inferError(loc, opName,
                      "axis " + Twine((int64_t)adaptor.getAxis()) +
                          " is out of range for rank " +
                          Twine(input.getRank()));
  auto product = [](ArrayRef<int64_t> dims) -> int64_t {
    int64_t p = 1;
    for (int64_t d : dims) {
      if (ShapedType::isDynamic(d))
        return ShapedType::kDynamic;
      p *= d;
    }
    return p;
  };
  types.push_back(
      RankedTensorType::get({product(input.getShape().take_front(axis)),
                             product(input.getShape().drop_front(axis))},
                            input.getElementType()));
  return success();
}

} // namespace mlir::kiln

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (!isa<ElementsAttr>(getValue()))
    return emitOpError("value must be an elements attribute, got ")
           << getValue();
  return success();
}

LogicalResult CastOp::verify() {
  if (getInput().getType().getShape() != getOutput().getType().getShape())
    return emitOpError("input and result shapes differ: ")
           << getInput().getType() << " vs " << getOutput().getType();
  return success();
}

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

LogicalResult ClipOp::verify() {
  if (getMin() && getMax() &&
      getMin()->convertToDouble() > getMax()->convertToDouble())
    return emitOpError("min ")
           << getMin()->convertToDouble() << " is greater than max "
           << getMax()->convertToDouble();
  return success();
}

LogicalResult BatchNormOp::verify() {
  RankedTensorType input = getInput().getType();
  if (input.getRank() < 2)
    return emitOpError("input must have rank >= 2 (N, C, ...), got ")
           << input.getRank();
  int64_t channels = input.getDimSize(1);
  // Named arrays: zipping braced temporaries would leave dangling ranges.
  StringRef names[] = {"scale", "bias", "mean", "variance"};
  Value params[] = {getScale(), getBias(), getMean(), getVariance()};
  for (auto [name, value] : llvm::zip(names, params)) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getRank() != 1 || staticMismatch(type.getDimSize(0), channels) ||
        type.getElementType() != input.getElementType())
      return emitOpError() << name << " must be a 1-D tensor of "
                           << input.getElementType() << " with "
                           << formatShape({channels})
                           << " elements (the channels), got " << type;
  }
  return success();
}

LogicalResult LayerNormOp::verify() {
  RankedTensorType input = getInput().getType();
  std::optional<int64_t> axis =
      normalizeAxis((int64_t)getAxis(), input.getRank());
  if (!axis)
    return emitOpError("axis ")
           << (int64_t)getAxis() << " is out of range for rank "
           << input.getRank();
  ArrayRef<int64_t> normalized = input.getShape().drop_front(*axis);
  for (Value param : {getScale(), getBias()}) {
    if (!param)
      continue;
    auto type = cast<RankedTensorType>(param.getType());
    bool ok = type.getShape().size() == normalized.size() &&
              type.getElementType() == input.getElementType();
    for (size_t i = 0; ok && i < normalized.size(); ++i)
      ok = !staticMismatch(type.getDimSize(i), normalized[i]);
    if (!ok)
      return emitOpError("scale and bias must have the normalized shape ")
             << formatShape(normalized) << ", got " << type;
  }
  return success();
}

static LogicalResult verifySoftmaxAxis(Operation *op, int64_t axis,
                                       RankedTensorType type) {
  if (!normalizeAxis(axis, type.getRank()))
    return op->emitOpError("axis ")
           << axis << " is out of range for rank " << type.getRank();
  return success();
}
LogicalResult SoftmaxOp::verify() {
  return verifySoftmaxAxis(*this, (int64_t)getAxis(), getInput().getType());
}
LogicalResult LogSoftmaxOp::verify() {
  return verifySoftmaxAxis(*this, (int64_t)getAxis(), getInput().getType());
}

#define GET_OP_CLASSES
#include "dialects/Kiln/KilnOps.cpp.inc"
