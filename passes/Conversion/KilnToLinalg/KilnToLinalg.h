//===- KilnToLinalg.h - kiln to linalg lowering patterns --------*- C++ -*-===//
#ifndef KILN_PASSES_CONVERSION_KILNTOLINALG_KILNTOLINALG_H
#define KILN_PASSES_CONVERSION_KILNTOLINALG_KILNTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::kiln {

void populateElementwiseLoweringPatterns(RewritePatternSet &patterns);
void populateContractionLoweringPatterns(RewritePatternSet &patterns);
void populateReductionLoweringPatterns(RewritePatternSet &patterns);
void populateDataMovementLoweringPatterns(RewritePatternSet &patterns);

} // namespace mlir::kiln

#endif // KILN_PASSES_CONVERSION_KILNTOLINALG_KILNTOLINALG_H
