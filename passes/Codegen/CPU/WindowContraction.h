//===- WindowContraction.h - convolutions along their filters ---*- C++ -*-===//
#ifndef KILN_PASSES_CODEGEN_CPU_WINDOWCONTRACTION_H
#define KILN_PASSES_CODEGEN_CPU_WINDOWCONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kiln {

/// Rewrites an f32 NCHW convolution, static but for its batch (which needs
/// a fill as its init), whose filters are a multiple of half of
/// `vectorWidth` as the window contraction
///   outP[n, oh, ow, fo, fi] +=
///       in[n, c, oh*s + kh*d, ow*s + kw*d] * panels[fo, kh, kw, c, fi]
/// (loops n, oh, ow, fo, fi, kh, kw, c) over filter panels of two, one or
/// half a vector (f = fo * panel + fi, laid out at compile time when the
/// filter is a constant), followed by a transpose back to NCHW. Its register
/// tiles run along a panel's filters, streaming the panel contiguously, and
/// read the input where it is: no im2col. Returns the contraction.
FailureOr<linalg::GenericOp>
rewriteAsWindowContraction(RewriterBase &rewriter,
                           linalg::Conv2DNchwFchwOp conv, int64_t vectorWidth);

/// Rewrites an f32 grouped convolution [N, G, C', H, W] x [G, F', C', KH, KW],
/// static but for its batch, as the grouped window contraction
///   outP[n, oh, ow, g, fo, fi] +=
///       in[n, g * C' + c, oh*s + kh*d, ow*s + kw*d] *
///       panels[g, fo, kh, kw, c, fi]
/// (loops n, g, oh, ow, fo, fi, kh, kw, c): each group a window contraction
/// of its own, tiled like an ungrouped one, its result in the same panel
/// layout. Groups of fewer filters than half a vector are convolved in
/// blocks of 2 or 4 groups with a block-diagonal filter, when the filter is
/// a constant. Returns the contraction.
FailureOr<linalg::GenericOp>
rewriteAsWindowContraction(RewriterBase &rewriter,
                           linalg::Conv2DNgchwGfchwOp conv,
                           int64_t vectorWidth);

/// Rewrites a register tile of a window contraction (every loop of extent 1
/// but the pixels, the filters and the channels) as a plain contraction
/// over its non-unit loops and its channels: each window operand becomes a
/// strided slice (`ow * s + kw` with kw fixed is a stride-s view), unit
/// dimensions are dropped. Fails when a window index keeps two non-unit
/// loops. Returns the contraction, which the vectorizer accepts.
FailureOr<linalg::GenericOp> contractWindowTile(RewriterBase &rewriter,
                                                linalg::GenericOp tile,
                                                unsigned channelLoop);

} // namespace mlir::kiln

#endif // KILN_PASSES_CODEGEN_CPU_WINDOWCONTRACTION_H
