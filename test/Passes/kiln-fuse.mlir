// RUN: kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse-elementwise -kiln-fuse=explain -verify-diagnostics | FileCheck %s

// A matmul with its bias and activation is one kernel: the epilogue runs on
// each output tile while it is in cache.
// CHECK-LABEL: func @matmul_bias_relu(
// CHECK:         %[[K:.*]] = kiln_kernel.dispatch "contraction" -> tensor<8x64xf32> {
// CHECK:           linalg.fill
// CHECK:           %[[MM:.*]] = linalg.matmul
// CHECK:           %[[EPI:.*]] = linalg.generic {{.*}} ins(%[[MM]], %{{.*}} : tensor<8x64xf32>, tensor<64xf32>)
// CHECK:             arith.addf
// CHECK:             arith.maximumf
// CHECK:           kiln_kernel.yield %[[EPI]] : tensor<8x64xf32>
// CHECK:         return %[[K]]
func.func @matmul_bias_relu(%x: tensor<8x32xf32>, %w: tensor<32x64xf32>, %b: tensor<64xf32>) -> tensor<8x64xf32> {
  %0 = kiln.matmul %x, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  %1 = kiln.add %0, %b : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  %2 = kiln.relu %1 : tensor<8x64xf32>
  return %2 : tensor<8x64xf32>
}

// -----

// Softmax (max, subtract, exp, sum, reciprocal, multiply after
// kiln-decompose) is one kernel: every op works on the same rows. The
// reciprocal of a row's sum stays an op over rows (one division per row), not
// fused into the multiply it is broadcast to.
// CHECK-LABEL: func @softmax(
// CHECK:         kiln_kernel.dispatch "reduction" -> tensor<4x128xf32> {
// CHECK-COUNT-2:   linalg.fill
// CHECK:           linalg.generic {{.*}} ins(%{{.*}} : tensor<4x1xf32>)
// CHECK:             arith.divf
// CHECK:           %[[Y:.*]] = linalg.generic
// CHECK-NOT:         arith.divf
// CHECK:             arith.mulf
// CHECK:           kiln_kernel.yield %[[Y]]
// CHECK-NOT:     kiln_kernel.dispatch
func.func @softmax(%x: tensor<4x128xf32>) -> tensor<4x128xf32> {
  %0 = kiln.softmax %x {axis = 1 : i64} : tensor<4x128xf32>
  return %0 : tensor<4x128xf32>
}

// -----

// Layer-norm (two reductions with their elementwise ops) is one kernel.
// CHECK-LABEL: func @layer_norm(
// CHECK:         kiln_kernel.dispatch "reduction"
// CHECK-NOT:     kiln_kernel.dispatch
func.func @layer_norm(%x: tensor<16x256xf32>, %g: tensor<256xf32>, %b: tensor<256xf32>) -> tensor<16x256xf32> {
  %0 = kiln.layer_norm %x, %g, %b {axis = 1 : i64} : (tensor<16x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<16x256xf32>
  return %0 : tensor<16x256xf32>
}

// -----

// GELU (erf form) is one elementwise kernel.
// CHECK-LABEL: func @gelu(
// CHECK:         kiln_kernel.dispatch "elementwise"
// CHECK:           math.erf
// CHECK-NOT:     kiln_kernel.dispatch
func.func @gelu(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %0 = kiln.gelu %x : tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

// A matmul result that is also returned cannot take the epilogue: the
// kernel would have to produce two results (or recompute the matmul).
// CHECK-LABEL: func @shared_result(
// CHECK:         %[[MM:.*]] = kiln_kernel.dispatch "contraction"
// CHECK:         kiln_kernel.dispatch "elementwise"
// CHECK-NEXT:      linalg.generic {{.*}} ins(%[[MM]]
func.func @shared_result(%x: tensor<8x32xf32>, %w: tensor<32x64xf32>) -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  %0 = kiln.matmul %x, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  // expected-remark @+1 {{not fused with linalg.matmul: the producer's result is also used outside the kernel; fusing would compute it twice}}
  %1 = kiln.relu %0 : tensor<8x64xf32>
  return %0, %1 : tensor<8x64xf32>, tensor<8x64xf32>
}

// -----

// Elementwise work feeding a matmul stays in its own kernel: fused into the
// contraction it would be recomputed for every tile of the output.
// CHECK-LABEL: func @prologue_not_fused(
// CHECK:         kiln_kernel.dispatch "elementwise"
// CHECK:         kiln_kernel.dispatch "contraction"
func.func @prologue_not_fused(%x: tensor<8x32xf32>, %w: tensor<32x64xf32>) -> tensor<8x64xf32> {
  %0 = kiln.tanh %x : tensor<8x32xf32>
  // expected-remark @+2 {{not fused with linalg.generic: a contraction starts its own kernel (its operands would be recomputed for every tile)}}
  // expected-remark @+1 {{producer linalg.generic not fused into the contraction: it computes, and would be recomputed for every tile}}
  %1 = kiln.matmul %0, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  return %1 : tensor<8x64xf32>
}

// -----

// Two matmuls are two kernels; the second one's epilogue joins it.
// CHECK-LABEL: func @two_matmuls(
// CHECK:         kiln_kernel.dispatch "contraction"
// CHECK:           linalg.matmul
// CHECK-NOT:       linalg.generic
// CHECK:         kiln_kernel.dispatch "contraction"
// CHECK:           linalg.matmul
// CHECK:           linalg.generic
func.func @two_matmuls(%x: tensor<8x32xf32>, %w1: tensor<32x32xf32>, %w2: tensor<32x16xf32>) -> tensor<8x16xf32> {
  %0 = kiln.matmul %x, %w1 : (tensor<8x32xf32>, tensor<32x32xf32>) -> tensor<8x32xf32>
  // expected-remark @+1 {{not fused with linalg.matmul: a contraction starts its own kernel}}
  %1 = kiln.matmul %0, %w2 : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  %2 = kiln.sigmoid %1 : tensor<8x16xf32>
  return %2 : tensor<8x16xf32>
}

// -----

// A reduction does not join a contraction's epilogue.
// CHECK-LABEL: func @reduction_after_matmul(
// CHECK:         kiln_kernel.dispatch "contraction"
// CHECK:         kiln_kernel.dispatch "reduction"
func.func @reduction_after_matmul(%x: tensor<8x32xf32>, %w: tensor<32x64xf32>) -> tensor<8x1xf32> {
  %0 = kiln.matmul %x, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  // expected-remark @+1 {{not fused with linalg.matmul: only elementwise ops join a contraction's epilogue}}
  %1 = kiln.reduce_sum %0 {axes = array<i64: 1>} : tensor<8x64xf32> -> tensor<8x1xf32>
  return %1 : tensor<8x1xf32>
}

// -----

// A residual add joins the convolution's kernel; the skip input is read
// from outside.
// CHECK-LABEL: func @conv_residual(
// CHECK:         kiln_kernel.dispatch "conv"
// CHECK:           linalg.conv_2d_nchw_fchw
// CHECK:           linalg.generic
// CHECK:             arith.addf
// CHECK:             arith.maximumf
func.func @conv_residual(%x: tensor<1x8x8x8xf32>, %w: tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32> {
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32>
  %1 = kiln.add %0, %x : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %2 = kiln.relu %1 : tensor<1x8x8x8xf32>
  return %2 : tensor<1x8x8x8xf32>
}

// -----

// A batched activation times a weight is a matmul over the flattened rows,
// expanded back after it. The bias and activation are collapsed onto the
// matmul's rows (kiln-fuse-elementwise), so they join its kernel and the
// expand comes after the kernel.
// CHECK-LABEL: func @batched_bias_relu(
// CHECK:         %[[K:.*]] = kiln_kernel.dispatch "contraction" -> tensor<16x64xf32> {
// CHECK:           %[[MM:.*]] = linalg.matmul
// CHECK:           %[[EPI:.*]] = linalg.generic {{.*}} ins(%[[MM]], %{{.*}} : tensor<16x64xf32>, tensor<64xf32>)
// CHECK:             arith.maximumf
// CHECK:           kiln_kernel.yield %[[EPI]]
// CHECK:         %[[Y:.*]] = tensor.expand_shape %[[K]] {{\[\[}}0, 1], [2]]
// CHECK:         return %[[Y]]
func.func @batched_bias_relu(%x: tensor<2x8x32xf32>, %w: tensor<32x64xf32>, %b: tensor<64xf32>) -> tensor<2x8x64xf32> {
  // expected-remark @+1 {{not fused with tensor.collapse_shape: a contraction starts its own kernel}}
  %0 = kiln.matmul %x, %w : (tensor<2x8x32xf32>, tensor<32x64xf32>) -> tensor<2x8x64xf32>
  %1 = kiln.add %0, %b : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  // expected-remark @+1 {{only elementwise ops join a contraction's epilogue}}
  %2 = kiln.relu %1 : tensor<2x8x64xf32>
  return %2 : tensor<2x8x64xf32>
}
