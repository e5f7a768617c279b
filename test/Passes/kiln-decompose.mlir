// RUN: kiln-opt %s -split-input-file -kiln-decompose | FileCheck %s

// gemm with both transposes, alpha and beta: alpha * A^T B^T + beta * C.
// CHECK-LABEL: func @gemm_full(
// CHECK-SAME:    %[[A:.*]]: tensor<784x?xf32>, %[[B:.*]]: tensor<128x784xf32>, %[[C:.*]]: tensor<128xf32>)
// CHECK-DAG:     %[[BETA:.*]] = kiln.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG:     %[[ALPHA:.*]] = kiln.constant dense<2.000000e+00> : tensor<f32>
// CHECK-DAG:     %[[AT:.*]] = kiln.transpose %[[A]] {perm = array<i64: 1, 0>} : tensor<784x?xf32> -> tensor<?x784xf32>
// CHECK-DAG:     %[[BT:.*]] = kiln.transpose %[[B]] {perm = array<i64: 1, 0>} : tensor<128x784xf32> -> tensor<784x128xf32>
// CHECK:         %[[MM:.*]] = kiln.matmul %[[AT]], %[[BT]] : (tensor<?x784xf32>, tensor<784x128xf32>) -> tensor<?x128xf32>
// CHECK:         %[[SCALED:.*]] = kiln.mul %[[MM]], %[[ALPHA]]
// CHECK:         %[[CS:.*]] = kiln.mul %[[C]], %[[BETA]] : (tensor<128xf32>, tensor<f32>) -> tensor<128xf32>
// CHECK:         %[[SUM:.*]] = kiln.add %[[SCALED]], %[[CS]] : (tensor<?x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
// CHECK:         return %[[SUM]]
// CHECK-NOT:     kiln.gemm
func.func @gemm_full(%a: tensor<784x?xf32>, %b: tensor<128x784xf32>, %c: tensor<128xf32>) -> tensor<?x128xf32> {
  %0 = kiln.gemm %a, %b, %c {trans_a = true, trans_b = true, alpha = 2.0 : f64, beta = 0.5 : f64} : (tensor<784x?xf32>, tensor<128x784xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

// gemm with default attributes: a matmul and an add, nothing else.
// CHECK-LABEL: func @gemm_bias(
// CHECK-SAME:    %[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<8x16xf32>, %[[C:.*]]: tensor<16xf32>)
// CHECK-NEXT:    %[[MM:.*]] = kiln.matmul %[[A]], %[[B]] : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:    %[[SUM:.*]] = kiln.add %[[MM]], %[[C]] : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:    return %[[SUM]]
func.func @gemm_bias(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = kiln.gemm %a, %b, %c : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// beta = 0 drops C.
// CHECK-LABEL: func @gemm_beta_zero(
// CHECK-NEXT:    %[[MM:.*]] = kiln.matmul
// CHECK-NEXT:    return %[[MM]]
func.func @gemm_beta_zero(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = kiln.gemm %a, %b, %c {beta = 0.0 : f64} : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// An integer gemm is scaled by integer constants, not left unscaled.
// CHECK-LABEL: func @gemm_int(
// CHECK-DAG:     %[[ALPHA:.*]] = kiln.constant dense<2> : tensor<i32>
// CHECK-DAG:     %[[BETA:.*]] = kiln.constant dense<3> : tensor<i32>
// CHECK:         %[[MM:.*]] = kiln.matmul
// CHECK:         %[[SCALED:.*]] = kiln.mul %[[MM]], %[[ALPHA]]
// CHECK:         %[[CS:.*]] = kiln.mul %{{.*}}, %[[BETA]]
// CHECK:         kiln.add %[[SCALED]], %[[CS]] : (tensor<4x16xi32>, tensor<4x16xi32>) -> tensor<4x16xi32>
func.func @gemm_int(%a: tensor<4x8xi32>, %b: tensor<8x16xi32>, %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %0 = kiln.gemm %a, %b, %c {alpha = 2.0 : f64, beta = 3.0 : f64} : (tensor<4x8xi32>, tensor<8x16xi32>, tensor<4x16xi32>) -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

// -----

// A static size in C fixes a dynamic M: the decomposed add has the gemm's
// result type.
// CHECK-LABEL: func @gemm_c_refines(
// CHECK:         %[[MM:.*]] = kiln.matmul %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK:         %[[SUM:.*]] = kiln.add %[[MM]], %{{.*}} : (tensor<?x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
// CHECK:         return %[[SUM]] : tensor<4x16xf32>
func.func @gemm_c_refines(%a: tensor<?x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x1xf32>) -> tensor<4x16xf32> {
  %0 = kiln.gemm %a, %b, %c : (tensor<?x8xf32>, tensor<8x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// batch_norm folds into one per-channel scale and shift, reshaped to
// [C, 1, 1] to broadcast over NCHW.
// CHECK-LABEL: func @batch_norm(
// CHECK-SAME:    %[[X:.*]]: tensor<?x64x7x7xf32>, %[[S:.*]]: tensor<64xf32>, %[[B:.*]]: tensor<64xf32>, %[[M:.*]]: tensor<64xf32>, %[[V:.*]]: tensor<64xf32>)
// CHECK:         %[[EPS:.*]] = kiln.constant dense<1.000000e-03> : tensor<f32>
// CHECK:         %[[VE:.*]] = kiln.add %[[V]], %[[EPS]]
// CHECK:         %[[INV:.*]] = kiln.rsqrt %[[VE]] : tensor<64xf32>
// CHECK:         %[[FACTOR:.*]] = kiln.mul %[[S]], %[[INV]]
// CHECK:         %[[MF:.*]] = kiln.mul %[[M]], %[[FACTOR]]
// CHECK:         %[[SHIFT:.*]] = kiln.sub %[[B]], %[[MF]]
// CHECK:         %[[F3:.*]] = kiln.unsqueeze %[[FACTOR]] {axes = array<i64: 1, 2>} : tensor<64xf32> -> tensor<64x1x1xf32>
// CHECK:         %[[SCALED:.*]] = kiln.mul %[[X]], %[[F3]] : (tensor<?x64x7x7xf32>, tensor<64x1x1xf32>) -> tensor<?x64x7x7xf32>
// CHECK:         %[[S3:.*]] = kiln.unsqueeze %[[SHIFT]] {axes = array<i64: 1, 2>} : tensor<64xf32> -> tensor<64x1x1xf32>
// CHECK:         %[[Y:.*]] = kiln.add %[[SCALED]], %[[S3]] : (tensor<?x64x7x7xf32>, tensor<64x1x1xf32>) -> tensor<?x64x7x7xf32>
// CHECK:         return %[[Y]]
func.func @batch_norm(%x: tensor<?x64x7x7xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>, %m: tensor<64xf32>, %v: tensor<64xf32>) -> tensor<?x64x7x7xf32> {
  %0 = kiln.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f64} : (tensor<?x64x7x7xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x64x7x7xf32>
  return %0 : tensor<?x64x7x7xf32>
}

// -----

// On [N, C] the per-channel vectors broadcast as they are.
// CHECK-LABEL: func @batch_norm_2d(
// CHECK-NOT:     kiln.unsqueeze
// CHECK:         kiln.mul %{{.*}}, %{{.*}} : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
// CHECK-NOT:     kiln.batch_norm
func.func @batch_norm_2d(%x: tensor<8x64xf32>, %p: tensor<64xf32>) -> tensor<8x64xf32> {
  %0 = kiln.batch_norm %x, %p, %p, %p, %p : (tensor<8x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// -----

// layer_norm over the last axis: mean, centered variance, rsqrt, scale, bias.
// CHECK-LABEL: func @layer_norm(
// CHECK-SAME:    %[[X:.*]]: tensor<?x16x256xf32>, %[[G:.*]]: tensor<256xf32>, %[[B:.*]]: tensor<256xf32>)
// CHECK:         %[[EPS:.*]] = kiln.constant dense<9.99999997E-7> : tensor<f32>
// CHECK:         %[[MEAN:.*]] = kiln.reduce_mean %[[X]] {axes = array<i64: 2>} : tensor<?x16x256xf32> -> tensor<?x16x1xf32>
// CHECK:         %[[CEN:.*]] = kiln.sub %[[X]], %[[MEAN]]
// CHECK:         %[[SQ:.*]] = kiln.mul %[[CEN]], %[[CEN]]
// CHECK:         %[[VAR:.*]] = kiln.reduce_mean %[[SQ]] {axes = array<i64: 2>} : tensor<?x16x256xf32> -> tensor<?x16x1xf32>
// CHECK:         %[[VE:.*]] = kiln.add %[[VAR]], %[[EPS]]
// CHECK:         %[[INV:.*]] = kiln.rsqrt %[[VE]] : tensor<?x16x1xf32>
// CHECK:         %[[NORM:.*]] = kiln.mul %[[CEN]], %[[INV]]
// CHECK:         %[[SCALED:.*]] = kiln.mul %[[NORM]], %[[G]]
// CHECK:         %[[Y:.*]] = kiln.add %[[SCALED]], %[[B]] : (tensor<?x16x256xf32>, tensor<256xf32>) -> tensor<?x16x256xf32>
// CHECK:         return %[[Y]]
func.func @layer_norm(%x: tensor<?x16x256xf32>, %g: tensor<256xf32>, %b: tensor<256xf32>) -> tensor<?x16x256xf32> {
  %0 = kiln.layer_norm %x, %g, %b {epsilon = 1.0e-6 : f64} : (tensor<?x16x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<?x16x256xf32>
  return %0 : tensor<?x16x256xf32>
}

// -----

// layer_norm from axis 1 reduces every trailing axis; without bias there is
// no final add.
// CHECK-LABEL: func @layer_norm_axis1(
// CHECK:         kiln.reduce_mean %{{.*}} {axes = array<i64: 1, 2>} : tensor<2x16x256xf32> -> tensor<2x1x1xf32>
// CHECK:         %[[Y:.*]] = kiln.mul %{{.*}}, %{{.*}} : (tensor<2x16x256xf32>, tensor<16x256xf32>) -> tensor<2x16x256xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @layer_norm_axis1(%x: tensor<2x16x256xf32>, %g: tensor<16x256xf32>) -> tensor<2x16x256xf32> {
  %0 = kiln.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x16x256xf32>, tensor<16x256xf32>) -> tensor<2x16x256xf32>
  return %0 : tensor<2x16x256xf32>
}

// -----

// softmax subtracts the maximum, exponentiates and multiplies by the
// reciprocal of the sum (one division per row).
// CHECK-LABEL: func @softmax(
// CHECK-SAME:    %[[X:.*]]: tensor<4x?xf32>)
// CHECK:         %[[MAX:.*]] = kiln.reduce_max %[[X]] {axes = array<i64: -1>} : tensor<4x?xf32> -> tensor<4x1xf32>
// CHECK:         %[[SH:.*]] = kiln.sub %[[X]], %[[MAX]]
// CHECK:         %[[E:.*]] = kiln.exp %[[SH]] : tensor<4x?xf32>
// CHECK:         %[[SUM:.*]] = kiln.reduce_sum %[[E]] {axes = array<i64: -1>} : tensor<4x?xf32> -> tensor<4x1xf32>
// CHECK:         %[[R:.*]] = kiln.reciprocal %[[SUM]] : tensor<4x1xf32>
// CHECK:         %[[Y:.*]] = kiln.mul %[[E]], %[[R]] : (tensor<4x?xf32>, tensor<4x1xf32>) -> tensor<4x?xf32>
// CHECK:         return %[[Y]]
func.func @softmax(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %0 = kiln.softmax %x : tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

// log_softmax is (x - max) - log(sum(exp(x - max))).
// CHECK-LABEL: func @log_softmax(
// CHECK-SAME:    %[[X:.*]]: tensor<4x?xf32>)
// CHECK:         %[[MAX:.*]] = kiln.reduce_max %[[X]] {axes = array<i64: 0>} : tensor<4x?xf32> -> tensor<1x?xf32>
// CHECK:         %[[SH:.*]] = kiln.sub %[[X]], %[[MAX]]
// CHECK:         %[[E:.*]] = kiln.exp %[[SH]]
// CHECK:         %[[SUM:.*]] = kiln.reduce_sum %[[E]] {axes = array<i64: 0>}
// CHECK:         %[[LOG:.*]] = kiln.log %[[SUM]] : tensor<1x?xf32>
// CHECK:         %[[Y:.*]] = kiln.sub %[[SH]], %[[LOG]] : (tensor<4x?xf32>, tensor<1x?xf32>) -> tensor<4x?xf32>
// CHECK:         return %[[Y]]
func.func @log_softmax(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %0 = kiln.log_softmax %x {axis = 0 : i64} : tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

// Global pools reduce every spatial axis and keep them as 1s.
// CHECK-LABEL: func @global_pools(
// CHECK-SAME:    %[[X:.*]]: tensor<?x64x7x5xf32>)
// CHECK:         %[[AVG:.*]] = kiln.reduce_mean %[[X]] {axes = array<i64: 2, 3>} : tensor<?x64x7x5xf32> -> tensor<?x64x1x1xf32>
// CHECK:         %[[MAX:.*]] = kiln.reduce_max %[[X]] {axes = array<i64: 2, 3>} : tensor<?x64x7x5xf32> -> tensor<?x64x1x1xf32>
// CHECK:         return %[[AVG]], %[[MAX]]
func.func @global_pools(%x: tensor<?x64x7x5xf32>) -> (tensor<?x64x1x1xf32>, tensor<?x64x1x1xf32>) {
  %0 = kiln.global_avg_pool %x : tensor<?x64x7x5xf32> -> tensor<?x64x1x1xf32>
  %1 = kiln.global_max_pool %x : tensor<?x64x7x5xf32> -> tensor<?x64x1x1xf32>
  return %0, %1 : tensor<?x64x1x1xf32>, tensor<?x64x1x1xf32>
}

// -----

// Primitive ops are left alone.
// CHECK-LABEL: func @primitives_untouched(
// CHECK-NEXT:    kiln.matmul
// CHECK-NEXT:    kiln.relu
// CHECK-NEXT:    return
func.func @primitives_untouched(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = kiln.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = kiln.relu %0 : tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}
