//===- PackMatmul.h - data tiling of a matmul tile --------------*- C++ -*-===//
#ifndef KILN_PASSES_CODEGEN_CPU_PACKMATMUL_H
#define KILN_PASSES_CODEGEN_CPU_PACKMATMUL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kiln {

/// Replaces `matmul` (C[Mc, Nc] += A[Mc, Kc] * B[Kc, Nc], static shapes) by
/// a copy of B into [Nc/nr][Kc][nr] panels and, if `packA`, of A into
/// [Mc/mr][Kc][mr] panels (else a [Mc/mr][mr][Kc] view), so that a register
/// tile streams them contiguously, and a contraction on the panels writing
/// C viewed as [Mc/mr][mr][Nc/nr][nr]. Its loops are (im, jn, mi, ni, k).
/// Returns the contraction.
FailureOr<linalg::GenericOp> packMatmul(RewriterBase &rewriter,
                                        linalg::MatmulOp matmul, int64_t mr,
                                        int64_t nr, bool packA);

/// Tiles a contraction from packMatmul into its register tile (one mr x nr
/// panel product per k, jn outermost so the B panel stays in L1), drops the
/// unit loops and vectorizes it.
LogicalResult vectorizePackedMatmul(RewriterBase &rewriter,
                                    linalg::GenericOp packed);

} // namespace mlir::kiln

#endif // KILN_PASSES_CODEGEN_CPU_PACKMATMUL_H
