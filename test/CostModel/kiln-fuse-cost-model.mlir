// Whether attention becomes one kernel is the cost model's decision: the
// fused kernel under its best schedule against the three kernels'.
// RUN: kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse-elementwise -kiln-fuse="cost-model=analytical target=x86_64-avx512" 2>/dev/null | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse-elementwise -kiln-fuse="explain cost-model=analytical target=x86_64-avx512" -o /dev/null 2>&1 | FileCheck %s --check-prefixes=EXPLAIN,ANALYTICAL
// RUN: kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse-elementwise -kiln-fuse="cost-model=learned target=x86_64-avx512" 2>/dev/null | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse-elementwise -kiln-fuse="explain cost-model=learned target=x86_64-avx512" -o /dev/null 2>&1 | FileCheck %s --check-prefixes=EXPLAIN,LEARNED
// RUN: not kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse="cost-model=oracle" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-MODEL
// RUN: not kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse="target=riscv-v" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-TARGET

// 128 columns of V, 16 keys: both models predict the fused kernel faster
// (measured 1.19x faster than three kernels at one thread), where the
// 64-column rule of the heuristic makes three.
// CHECK-LABEL: func @wide_values(
// CHECK:         kiln_kernel.dispatch "contraction"
// CHECK:           linalg.batch_matmul
// CHECK:           math.exp
// CHECK:           linalg.batch_matmul
// CHECK-NOT:     kiln_kernel.dispatch
// CHECK:         return
// EXPLAIN: remark: fused with the reduction kernel computing its operand and the contraction computing the scores: predicted {{[0-9.]+}} us as one kernel, {{[0-9.]+}} us as three
// ANALYTICAL-SAME: (analytical model)
// LEARNED-SAME: (learned model)
func.func @wide_values(%q: tensor<4x16x8xf32>, %kt: tensor<4x8x16xf32>, %v: tensor<4x16x128xf32>) -> tensor<4x16x128xf32> {
  %s = kiln.matmul %q, %kt : (tensor<4x16x8xf32>, tensor<4x8x16xf32>) -> tensor<4x16x16xf32>
  %p = kiln.softmax %s {axis = 2 : i64} : tensor<4x16x16xf32>
  %o = kiln.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x128xf32>) -> tensor<4x16x128xf32>
  return %o : tensor<4x16x128xf32>
}

// -----

// 8 rows against 2048 keys and 2048 columns: kept whole, the columns make
// each tile of rows hold 8x2048 outputs, and both models predict three
// kernels faster.
// CHECK-LABEL: func @long_keys(
// CHECK:         kiln_kernel.dispatch "contraction"
// CHECK:         kiln_kernel.dispatch "reduction"
// CHECK:         kiln_kernel.dispatch "contraction"
// EXPLAIN: remark: not fused with the reduction kernel computing its operand: predicted {{[0-9.]+}} {{us|ms}} as one kernel, {{[0-9.]+}} {{us|ms}} as three
// ANALYTICAL-SAME: (analytical model)
// LEARNED-SAME: (learned model)
func.func @long_keys(%q: tensor<1x8x8xf32>, %kt: tensor<1x8x2048xf32>, %v: tensor<1x2048x2048xf32>) -> tensor<1x8x2048xf32> {
  %s = kiln.matmul %q, %kt : (tensor<1x8x8xf32>, tensor<1x8x2048xf32>) -> tensor<1x8x2048xf32>
  %p = kiln.softmax %s {axis = 2 : i64} : tensor<1x8x2048xf32>
  %o = kiln.matmul %p, %v : (tensor<1x8x2048xf32>, tensor<1x2048x2048xf32>) -> tensor<1x8x2048xf32>
  return %o : tensor<1x8x2048xf32>
}

// BAD-MODEL: error: kiln-fuse: cost-model='oracle' is not one of default, learned, analytical, heuristic
// BAD-TARGET: error: kiln-fuse: unknown target 'riscv-v'
