//===- ShapeInference.h - Shape rules shared by kiln ops --------*- C++ -*-===//
//
// The shape arithmetic behind kiln result-type inference, on plain dimension
// lists where ShapedType::kDynamic marks a dynamic dimension. The lowering to
// linalg follows the same rules, so they live in one place.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILN_SHAPEINFERENCE_H
#define KILN_DIALECTS_KILN_SHAPEINFERENCE_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"
#include <optional>

namespace mlir::kiln {

/// Emits "'<opName>' op <message>" at `loc` (when present) and fails.
LogicalResult emitInferError(std::optional<Location> loc, StringRef opName,
                             const Twine &message);

/// NumPy broadcast of two shapes. A dynamic dimension is assumed to agree with
/// a static one unless that one is 1. Fails when two static dimensions differ
/// and neither is 1.
LogicalResult broadcastShapes(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                              SmallVectorImpl<int64_t> &result);

/// Formats a shape as "2x?x3" for messages.
std::string formatShape(ArrayRef<int64_t> shape);

/// Maps a possibly negative axis into [0, rank); std::nullopt if out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Output size of a sliding window along one dimension, or kDynamic.
/// Returns std::nullopt when the window does not fit.
std::optional<int64_t> windowOutputSize(int64_t inputSize, int64_t kernel,
                                        int64_t stride, int64_t dilation,
                                        int64_t padBefore, int64_t padAfter);

/// The result shape of an ONNX-style reshape of `input` to `target`
/// (0 copies the input dimension, -1 is inferred). Fails with a message.
FailureOr<SmallVector<int64_t>> resolveReshape(ArrayRef<int64_t> input,
                                               ArrayRef<int64_t> target,
                                               std::string &error);

/// Start and element count of an ONNX-style slice of a static dimension
/// `dimSize` with (start, end, step), after clamping.
std::pair<int64_t, int64_t> resolveSliceRange(int64_t dimSize, int64_t start,
                                              int64_t end, int64_t step);

} // namespace mlir::kiln

#endif // KILN_DIALECTS_KILN_SHAPEINFERENCE_H
