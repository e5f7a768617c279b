//===- KilnBuilders.h - Building kiln ops from untrusted input --*- C++ -*-===//
#ifndef KILN_DIALECTS_KILN_KILNBUILDERS_H
#define KILN_DIALECTS_KILN_KILNBUILDERS_H

#include "mlir/IR/Builders.h"

namespace mlir::kiln {

/// Builds `kiln.<name>` with its result type inferred from the operands and
/// attributes. Unlike the ODS builders, which abort when inference fails,
/// this reports the op's diagnostic at `loc` and returns failure, so
/// importers can turn bad models into clear errors.
FailureOr<Value> buildInferred(OpBuilder &builder, Location loc, StringRef name,
                               ValueRange operands,
                               ArrayRef<NamedAttribute> attributes);

} // namespace mlir::kiln

#endif // KILN_DIALECTS_KILN_KILNBUILDERS_H
