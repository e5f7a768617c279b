// RUN: kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse-elementwise -kiln-fuse="explain cost-model=heuristic" -kiln-select-schedules=cost-model=heuristic -verify-diagnostics | FileCheck %s
// RUN: not kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse-elementwise -kiln-fuse=cost-model=heuristic -kiln-select-schedules="force='#kiln_kernel.schedule<contraction, tiles = [1, 16, 4, 0], vector = [1, 8, 4, 1]>'" 2>&1 | FileCheck %s --check-prefix=TILED

// Attention: the probabilities' product with V has few columns (8), so it
// takes in the softmax kernel and the scores' product: one kernel, whose
// tiles of rows compute scores, softmax and output while they are in cache.
// Its schedule keeps the columns whole, so no tile computes the softmax
// again.
// CHECK-LABEL: func @attention(
// CHECK:         %[[K:.*]] = kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [1, 16, 8, 0]
// CHECK:           %[[S:.*]] = linalg.batch_matmul
// CHECK:           linalg.generic {{.*}} ins(%[[S]], %{{.*}} : tensor<4x16x16xf32>, tensor<4x16x1xf32>)
// CHECK:             math.exp
// CHECK:             arith.divf
// CHECK:           %[[P:.*]] = linalg.generic
// CHECK:             arith.mulf
// CHECK:           %[[O:.*]] = linalg.batch_matmul ins(%[[P]], %{{.*}} : tensor<4x16x16xf32>, tensor<4x16x8xf32>)
// CHECK:           kiln_kernel.yield %[[O]]
// CHECK-NOT:     kiln_kernel.dispatch
// CHECK:         return %[[K]]
// A schedule tiling the 8 columns is refused.
// TILED: error: 'kiln_kernel.dispatch' op schedule tiles loop 2, which an operand computed in the kernel does not depend on: each tile would compute it again
func.func @attention(%q: tensor<4x16x8xf32>, %kt: tensor<4x8x16xf32>, %v: tensor<4x16x8xf32>) -> tensor<4x16x8xf32> {
  %s = kiln.matmul %q, %kt : (tensor<4x16x8xf32>, tensor<4x8x16xf32>) -> tensor<4x16x16xf32>
  // expected-remark @+3 {{not fused with linalg.batch_matmul: only elementwise ops join a contraction's epilogue}}
  // expected-remark @+2 {{not fused with linalg.batch_matmul: the producer's result is also used outside the kernel; fusing would compute it twice}}
  // expected-remark @+1 {{not fused with linalg.generic: the producer's result is also used outside the kernel; fusing would compute it twice}}
  %p = kiln.softmax %s {axis = 2 : i64} : tensor<4x16x16xf32>
  // expected-remark @+1 {{not fused with linalg.generic: a contraction starts its own kernel}}
  %o = kiln.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o : tensor<4x16x8xf32>
}

// -----

// Without a cost model the rule is at most 64 columns: with 128, three
// kernels (test/CostModel/kiln-fuse-cost-model.mlir has the models'
// decisions).
// CHECK-LABEL: func @wide_values(
// CHECK:         kiln_kernel.dispatch "contraction"
// CHECK:         kiln_kernel.dispatch "reduction"
// CHECK:         kiln_kernel.dispatch "contraction"
func.func @wide_values(%q: tensor<4x16x8xf32>, %kt: tensor<4x8x16xf32>, %v: tensor<4x16x128xf32>) -> tensor<4x16x128xf32> {
  %s = kiln.matmul %q, %kt : (tensor<4x16x8xf32>, tensor<4x8x16xf32>) -> tensor<4x16x16xf32>
  // expected-remark @+3 {{only elementwise ops join a contraction's epilogue}}
  // expected-remark @+2 {{not fused with linalg.batch_matmul: the producer's result is also used outside the kernel}}
  // expected-remark @+1 {{not fused with linalg.generic: the producer's result is also used outside the kernel}}
  %p = kiln.softmax %s {axis = 2 : i64} : tensor<4x16x16xf32>
  // expected-remark @+2 {{a contraction starts its own kernel}}
  // expected-remark @+1 {{not fused with the reduction kernel computing its operand: its 128 columns (more than 64) would be tiled, and each tile would compute that kernel again}}
  %o = kiln.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x128xf32>) -> tensor<4x16x128xf32>
  return %o : tensor<4x16x128xf32>
}

// -----

// The scores are returned too: the kernels stay apart, or the scores would
// have to leave the fused kernel.
// CHECK-LABEL: func @scores_returned(
// CHECK:         kiln_kernel.dispatch "contraction"
// CHECK:         kiln_kernel.dispatch "reduction"
// CHECK:         kiln_kernel.dispatch "contraction"
func.func @scores_returned(%q: tensor<4x16x8xf32>, %kt: tensor<4x8x16xf32>, %v: tensor<4x16x8xf32>) -> (tensor<4x16x8xf32>, tensor<4x16x16xf32>) {
  %s = kiln.matmul %q, %kt : (tensor<4x16x8xf32>, tensor<4x8x16xf32>) -> tensor<4x16x16xf32>
  // expected-remark @+3 {{only elementwise ops join a contraction's epilogue}}
  // expected-remark @+2 {{not fused with linalg.batch_matmul: the producer's result is also used outside the kernel}}
  // expected-remark @+1 {{not fused with linalg.generic: the producer's result is also used outside the kernel}}
  %p = kiln.softmax %s {axis = 2 : i64} : tensor<4x16x16xf32>
  // expected-remark @+1 {{a contraction starts its own kernel}}
  %o = kiln.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o, %s : tensor<4x16x8xf32>, tensor<4x16x16xf32>
}
