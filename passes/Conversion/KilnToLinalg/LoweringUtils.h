//===- LoweringUtils.h - Helpers for kiln-to-linalg patterns ----*- C++ -*-===//
#ifndef KILN_PASSES_CONVERSION_KILNTOLINALG_LOWERINGUTILS_H
#define KILN_PASSES_CONVERSION_KILNTOLINALG_LOWERINGUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kiln {

/// Builds the scalar body of an elementwise op from the scalar operands.
using ScalarBodyBuilder =
    function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// Sizes of `resultType` for an elementwise op over `inputs`, with dynamic
/// sizes read from an input that has the dimension unbroadcast.
SmallVector<OpFoldResult> broadcastResultSizes(OpBuilder &b, Location loc,
                                               ValueRange inputs,
                                               RankedTensorType resultType);

/// A linalg.generic computing `body` over NumPy-broadcast `inputs`. The
/// result sizes are `sizes` when given, else read from the inputs (which
/// then need an unbroadcast source for every dynamic result dimension).
Value buildElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                       RankedTensorType resultType, ScalarBodyBuilder body,
                       ArrayRef<OpFoldResult> sizes = {});

/// tensor.empty of `type` with dynamic sizes taken from `sizes`.
Value buildEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                 ArrayRef<OpFoldResult> sizes);

/// tensor.empty of `type` filled with `value`.
Value buildFilled(OpBuilder &b, Location loc, RankedTensorType type,
                  ArrayRef<OpFoldResult> sizes, TypedAttr value);

/// Reshapes `input` (row-major) to `resultType` whose sizes are `sizes`,
/// through a collapse to 1-D and an expansion, which canonicalization folds
/// into direct forms where the shapes allow.
Value buildReshape(OpBuilder &b, Location loc, Value input,
                   RankedTensorType resultType, ArrayRef<OpFoldResult> sizes);

/// A scalar constant of `type` (float or integer) with `value`.
Value buildScalarConstant(OpBuilder &b, Location loc, Type type, double value);

/// The neutral element of a max (lowest) or min (highest) reduction; i1
/// orders false before true.
TypedAttr extremeValue(Type element, bool lowest);

/// Product of `sizes` as an index value.
Value buildProduct(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes);

} // namespace mlir::kiln

#endif // KILN_PASSES_CONVERSION_KILNTOLINALG_LOWERINGUTILS_H
