//===- ShapeInference.cpp - Shape rules shared by kiln ops ----------------===//
#include "dialects/Kiln/ShapeInference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

static bool isDynamic(int64_t d) { return ShapedType::isDynamic(d); }

LogicalResult kiln::emitInferError(std::optional<Location> loc,
                                   StringRef opName, const Twine &message) {
  return emitOptionalError(loc, "'", opName, "' op ", message);
}

LogicalResult kiln::broadcastShapes(ArrayRef<int64_t> lhs,
                                    ArrayRef<int64_t> rhs,
                                    SmallVectorImpl<int64_t> &result) {
  size_t rank = std::max(lhs.size(), rhs.size());
  result.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l == 1)
      result[i] = r;
    else if (r == 1 || isDynamic(r))
      result[i] = l;
    else if (isDynamic(l) || l == r)
      result[i] = r;
    else
      return failure();
  }
  return success();
}

std::string kiln::formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  return text;
}

std::optional<int64_t> kiln::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

std::optional<int64_t> kiln::windowOutputSize(int64_t inputSize, int64_t kernel,
                                              int64_t stride, int64_t dilation,
                                              int64_t padBefore,
                                              int64_t padAfter) {
  if (isDynamic(inputSize))
    return ShapedType::kDynamic;
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = inputSize + padBefore + padAfter;
  if (padded < span)
    return std::nullopt;
  return (padded - span) / stride + 1;
}

FailureOr<SmallVector<int64_t>> kiln::resolveReshape(ArrayRef<int64_t> input,
                                                     ArrayRef<int64_t> target,
                                                     std::string &error) {
  llvm::raw_string_ostream os(error);
  SmallVector<int64_t> result;
  // Input dimensions not copied by a 0 entry: their product is what the
  // other target entries must account for.
  SmallVector<bool> copied(input.size(), false);
  int inferredIndex = -1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == 0) {
      if (i >= input.size()) {
        os << "shape entry " << i << " is 0 (copy) but the input has rank "
           << input.size();
        return failure();
      }
      copied[i] = true;
      result.push_back(input[i]);
    } else if (d == -1) {
      if (inferredIndex >= 0) {
        os << "shape has more than one -1 entry";
        return failure();
      }
      inferredIndex = i;
      result.push_back(ShapedType::kDynamic);
    } else if (d < -1) {
      os << "shape entry " << i << " is " << d
         << "; expected a size, 0 (copy) or -1 (infer)";
      return failure();
    } else {
      result.push_back(d);
    }
  }
  bool remainingDynamic = false;
  int64_t remaining = 1;
  for (auto [i, d] : llvm::enumerate(input)) {
    if (copied[i])
      continue;
    if (isDynamic(d))
      remainingDynamic = true;
    else
      remaining *= d;
  }
  int64_t known = 1;
  for (auto [i, d] : llvm::enumerate(target))
    if (d > 0)
      known *= d;
  if (remainingDynamic)
    return result;
  if (inferredIndex >= 0) {
    if (known == 0 || remaining % known != 0) {
      os << "cannot reshape " << remaining << " elements into "
         << formatShape(result);
      return failure();
    }
    result[inferredIndex] = remaining / known;
  } else if (remaining != known) {
    os << "cannot reshape tensor<" << formatShape(input) << "> (" << remaining
       << " elements outside copied dimensions) into " << formatShape(result)
       << " (" << known << ")";
    return failure();
  }
  return result;
}

std::pair<int64_t, int64_t> kiln::resolveSliceRange(int64_t dimSize,
                                                    int64_t start, int64_t end,
                                                    int64_t step) {
  if (start < 0)
    start += dimSize;
  if (end < 0)
    end += dimSize;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dimSize);
    end = std::clamp<int64_t>(end, 0, dimSize);
    int64_t count = end > start ? (end - start + step - 1) / step : 0;
    return {start, count};
  }
  start = std::clamp<int64_t>(start, 0, dimSize - 1);
  end = std::clamp<int64_t>(end, -1, dimSize - 1);
  int64_t count = start > end ? (start - end - step - 1) / (-step) : 0;
  return {start, count};
}
