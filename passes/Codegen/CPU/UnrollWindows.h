//===- UnrollWindows.h - window ops as elementwise ops ----------*- C++ -*-===//
//
// A depthwise convolution or a pooling reads, for each output element, a
// small window of its input. Unrolled over the window's taps, it is one
// elementwise op over the output whose operands are strided views of the
// input, one per tap: it vectorizes along the output rows and fuses with
// its elementwise neighbours.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_CODEGEN_CPU_UNROLLWINDOWS_H
#define KILN_PASSES_CODEGEN_CPU_UNROLLWINDOWS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kiln {

/// out[n, c, y, x] += sum over taps t of in_t[n, c, y, x] * w_t[c] for a
/// static f32 depthwise NCHW convolution of at most 7x7 taps.
LogicalResult unrollDepthwise(RewriterBase &rewriter,
                              linalg::DepthwiseConv2DNchwChwOp conv);

/// out = max (or +) over taps t of in_t, for a static f32
/// linalg.pooling_nchw_max or pooling_nchw_sum of at most 7x7 taps.
LogicalResult unrollPooling(RewriterBase &rewriter, linalg::LinalgOp pool);

} // namespace mlir::kiln

#endif // KILN_PASSES_CODEGEN_CPU_UNROLLWINDOWS_H
