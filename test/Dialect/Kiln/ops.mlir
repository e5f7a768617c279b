// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// Round trip of every kiln op: the printed form parses back to the same IR,
// and result types agree with inference (including dynamic dimensions).

// A dense constant.
// CHECK-LABEL: func @constant(
// CHECK:         kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>
func.func @constant() -> tensor<1x2xf32> {
  %0 = kiln.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// Element-type conversion keeps a dynamic shape.
// CHECK-LABEL: func @cast(
// CHECK-SAME:    %[[X:.*]]: tensor<4x?xf32>)
// CHECK:         kiln.cast %[[X]] : tensor<4x?xf32> to tensor<4x?xi32>
func.func @cast(%x: tensor<4x?xf32>) -> tensor<4x?xi32> {
  %0 = kiln.cast %x : tensor<4x?xf32> to tensor<4x?xi32>
  return %0 : tensor<4x?xi32>
}

// where broadcasts all three operands together.
// CHECK-LABEL: func @where(
// CHECK-SAME:    %[[C:.*]]: tensor<4x1xi1>, %[[A:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<f32>)
// CHECK:         kiln.where %[[C]], %[[A]], %[[B]] : (tensor<4x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<4x3xf32>
func.func @where(%c: tensor<4x1xi1>, %a: tensor<3xf32>, %b: tensor<f32>) -> tensor<4x3xf32> {
  %0 = kiln.where %c, %a, %b : (tensor<4x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// Arithmetic binary ops with NumPy broadcasting.
// CHECK-LABEL: func @arith(
// CHECK-SAME:    %[[A:.*]]: tensor<4x1xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK:         %[[ADD:.*]] = kiln.add %[[A]], %[[B]] : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK:         %[[SUB:.*]] = kiln.sub %[[ADD]], %[[B]] : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK:         %[[MUL:.*]] = kiln.mul %[[SUB]], %[[A]] : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
// CHECK:         %[[DIV:.*]] = kiln.div %[[MUL]], %[[ADD]] : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK:         %[[POW:.*]] = kiln.pow %[[DIV]], %[[B]] : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK:         %[[MAX:.*]] = kiln.max %[[POW]], %[[A]] : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
// CHECK:         %[[MIN:.*]] = kiln.min %[[MAX]], %[[B]] : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK:         kiln.mod %[[MIN]], %[[A]] : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
func.func @arith(%a: tensor<4x1xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> {
  %0 = kiln.add %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %1 = kiln.sub %0, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %2 = kiln.mul %1, %a : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %3 = kiln.div %2, %0 : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %4 = kiln.pow %3, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %5 = kiln.max %4, %a : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %6 = kiln.min %5, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %7 = kiln.mod %6, %a : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  return %7 : tensor<4x3xf32>
}

// Broadcasting with dynamic dimensions: ? against 1 stays ?, ? against a
// static size other than 1 takes that size.
// CHECK-LABEL: func @dynamic_broadcast(
// CHECK:         kiln.add %{{.*}}, %{{.*}} : (tensor<?x1xf32>, tensor<1x?xf32>) -> tensor<?x?xf32>
// CHECK:         kiln.mul %{{.*}}, %{{.*}} : (tensor<?x?xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
// CHECK:         kiln.sub %{{.*}}, %{{.*}} : (tensor<?x5xf32>, tensor<3x1x1xf32>) -> tensor<3x?x5xf32>
func.func @dynamic_broadcast(%a: tensor<?x1xf32>, %b: tensor<1x?xf32>, %c: tensor<?x5xf32>, %d: tensor<3x1x1xf32>) -> tensor<3x?x5xf32> {
  %0 = kiln.add %a, %b : (tensor<?x1xf32>, tensor<1x?xf32>) -> tensor<?x?xf32>
  %1 = kiln.mul %0, %c : (tensor<?x?xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
  %2 = kiln.sub %1, %d : (tensor<?x5xf32>, tensor<3x1x1xf32>) -> tensor<3x?x5xf32>
  return %2 : tensor<3x?x5xf32>
}

// Comparisons produce i1; logical ops take and produce i1.
// CHECK-LABEL: func @compare_logical(
// CHECK-SAME:    %[[A:.*]]: tensor<2x3xi32>, %[[B:.*]]: tensor<i32>)
// CHECK:         %[[EQ:.*]] = kiln.equal %[[A]], %[[B]] : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
// CHECK:         %[[NE:.*]] = kiln.not_equal %[[A]], %[[B]] : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
// CHECK:         %[[LT:.*]] = kiln.less %[[A]], %[[B]] : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
// CHECK:         %[[LE:.*]] = kiln.less_equal %[[A]], %[[B]] : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
// CHECK:         kiln.greater %[[A]], %[[B]] : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
// CHECK:         kiln.greater_equal %[[A]], %[[B]] : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
// CHECK:         %[[AND:.*]] = kiln.and %[[EQ]], %[[NE]] : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK:         %[[OR:.*]] = kiln.or %[[AND]], %[[LT]] : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK:         %[[XOR:.*]] = kiln.xor %[[OR]], %[[LE]] : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK:         kiln.not %[[XOR]] : tensor<2x3xi1>
func.func @compare_logical(%a: tensor<2x3xi32>, %b: tensor<i32>) -> tensor<2x3xi1> {
  %0 = kiln.equal %a, %b : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
  %1 = kiln.not_equal %a, %b : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
  %2 = kiln.less %a, %b : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
  %3 = kiln.less_equal %a, %b : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
  %4 = kiln.greater %a, %b : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
  %5 = kiln.greater_equal %a, %b : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi1>
  %6 = kiln.and %0, %1 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %7 = kiln.or %6, %2 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %8 = kiln.xor %7, %3 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %9 = kiln.not %8 : tensor<2x3xi1>
  %10 = kiln.and %9, %4 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %11 = kiln.and %10, %5 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  return %11 : tensor<2x3xi1>
}

// Float unary ops, including the ones with attributes; a dynamic dimension
// passes through.
// CHECK-LABEL: func @unary_float(
// CHECK:         kiln.neg %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.abs %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.sign %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.relu %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.exp %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.log %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.sqrt %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.rsqrt %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.reciprocal %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.tanh %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.sigmoid %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.silu %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.erf %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.floor %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.ceil %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.round %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.sin %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.cos %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.softplus %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.hard_swish %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.gelu %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.gelu %{{.*}} {approximate = "tanh"} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f64} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.elu %{{.*}} {alpha = 5.000000e-01 : f64} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.hard_sigmoid %{{.*}} {alpha = 2.500000e-01 : f64, beta = 4.000000e-01 : f64} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.asin %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.acos %{{.*}} : tensor<2x?xf32>
// CHECK-NEXT:    kiln.atan %{{.*}} : tensor<2x?xf32>
func.func @unary_float(%x: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = kiln.neg %x : tensor<2x?xf32>
  %1 = kiln.abs %0 : tensor<2x?xf32>
  %2 = kiln.sign %1 : tensor<2x?xf32>
  %3 = kiln.relu %2 : tensor<2x?xf32>
  %4 = kiln.exp %3 : tensor<2x?xf32>
  %5 = kiln.log %4 : tensor<2x?xf32>
  %6 = kiln.sqrt %5 : tensor<2x?xf32>
  %7 = kiln.rsqrt %6 : tensor<2x?xf32>
  %8 = kiln.reciprocal %7 : tensor<2x?xf32>
  %9 = kiln.tanh %8 : tensor<2x?xf32>
  %10 = kiln.sigmoid %9 : tensor<2x?xf32>
  %11 = kiln.silu %10 : tensor<2x?xf32>
  %12 = kiln.erf %11 : tensor<2x?xf32>
  %13 = kiln.floor %12 : tensor<2x?xf32>
  %14 = kiln.ceil %13 : tensor<2x?xf32>
  %15 = kiln.round %14 : tensor<2x?xf32>
  %16 = kiln.sin %15 : tensor<2x?xf32>
  %17 = kiln.cos %16 : tensor<2x?xf32>
  %18 = kiln.softplus %17 : tensor<2x?xf32>
  %19 = kiln.hard_swish %18 : tensor<2x?xf32>
  %20 = kiln.gelu %19 {approximate = "none"} : tensor<2x?xf32>
  %21 = kiln.gelu %20 {approximate = "tanh"} : tensor<2x?xf32>
  %22 = kiln.leaky_relu %21 {alpha = 0.1 : f64} : tensor<2x?xf32>
  %23 = kiln.elu %22 {alpha = 0.5 : f64} : tensor<2x?xf32>
  %24 = kiln.hard_sigmoid %23 {alpha = 0.25 : f64, beta = 0.4 : f64} : tensor<2x?xf32>
  %25 = kiln.clip %24 {min = 0.0 : f64, max = 6.0 : f64} : tensor<2x?xf32>
  %26 = kiln.asin %25 : tensor<2x?xf32>
  %27 = kiln.acos %26 : tensor<2x?xf32>
  %28 = kiln.atan %27 : tensor<2x?xf32>
  return %28 : tensor<2x?xf32>
}

// Unary ops that also accept integers; clip with only one bound.
// CHECK-LABEL: func @unary_int(
// CHECK:         kiln.neg %{{.*}} : tensor<4xi32>
// CHECK-NEXT:    kiln.abs %{{.*}} : tensor<4xi32>
// CHECK-NEXT:    kiln.sign %{{.*}} : tensor<4xi32>
// CHECK-NEXT:    kiln.relu %{{.*}} : tensor<4xi32>
// CHECK-NEXT:    kiln.clip %{{.*}} {min = -1.000000e+00 : f64} : tensor<4xi32>
func.func @unary_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = kiln.neg %x : tensor<4xi32>
  %1 = kiln.abs %0 : tensor<4xi32>
  %2 = kiln.sign %1 : tensor<4xi32>
  %3 = kiln.relu %2 : tensor<4xi32>
  %4 = kiln.clip %3 {min = -1.0 : f64} : tensor<4xi32>
  return %4 : tensor<4xi32>
}

// matmul: dynamic M with a 2-D rhs, and a dynamic batch broadcast against a
// static one.
// CHECK-LABEL: func @matmul(
// CHECK:         kiln.matmul %{{.*}}, %{{.*}} : (tensor<8x?x64xf32>, tensor<64x32xf32>) -> tensor<8x?x32xf32>
// CHECK:         kiln.matmul %{{.*}}, %{{.*}} : (tensor<?x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<?x3x4x5xf32>
// CHECK:         kiln.matmul %{{.*}}, %{{.*}} : (tensor<?x4x?xf32>, tensor<?x7xf32>) -> tensor<?x4x7xf32>
func.func @matmul(%a: tensor<8x?x64xf32>, %b: tensor<64x32xf32>, %c: tensor<?x1x4x8xf32>, %d: tensor<3x8x5xf32>, %e: tensor<?x4x?xf32>, %f: tensor<?x7xf32>) -> (tensor<8x?x32xf32>, tensor<?x3x4x5xf32>, tensor<?x4x7xf32>) {
  %0 = kiln.matmul %a, %b : (tensor<8x?x64xf32>, tensor<64x32xf32>) -> tensor<8x?x32xf32>
  %1 = kiln.matmul %c, %d : (tensor<?x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<?x3x4x5xf32>
  %2 = kiln.matmul %e, %f : (tensor<?x4x?xf32>, tensor<?x7xf32>) -> tensor<?x4x7xf32>
  return %0, %1, %2 : tensor<8x?x32xf32>, tensor<?x3x4x5xf32>, tensor<?x4x7xf32>
}

// gemm with and without C, transposes and scale factors; a static size in
// C fixes a dynamic M; integer gemm with whole-number scales.
// CHECK-LABEL: func @gemm(
// CHECK:         kiln.gemm %{{.*}}, %{{.*}}, %{{.*}} {trans_b = true} : (tensor<?x784xf32>, tensor<128x784xf32>, tensor<128xf32>) -> tensor<?x128xf32>
// CHECK:         kiln.gemm %{{.*}}, %{{.*}} {alpha = 2.000000e+00 : f64, trans_a = true} : (tensor<784x?xf32>, tensor<784x128xf32>) -> tensor<?x128xf32>
// CHECK:         kiln.gemm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x784xf32>, tensor<784x128xf32>, tensor<4x1xf32>) -> tensor<4x128xf32>
// CHECK:         kiln.gemm %{{.*}}, %{{.*}} {alpha = 3.000000e+00 : f64} : (tensor<2x3xi32>, tensor<3x5xi32>) -> tensor<2x5xi32>
func.func @gemm(%x: tensor<?x784xf32>, %w: tensor<128x784xf32>, %b: tensor<128xf32>, %xt: tensor<784x?xf32>, %w2: tensor<784x128xf32>, %c: tensor<4x1xf32>, %i: tensor<2x3xi32>, %j: tensor<3x5xi32>) -> (tensor<?x128xf32>, tensor<?x128xf32>, tensor<4x128xf32>, tensor<2x5xi32>) {
  %0 = kiln.gemm %x, %w, %b {trans_b = true} : (tensor<?x784xf32>, tensor<128x784xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  %1 = kiln.gemm %xt, %w2 {trans_a = true, alpha = 2.0 : f64} : (tensor<784x?xf32>, tensor<784x128xf32>) -> tensor<?x128xf32>
  %2 = kiln.gemm %x, %w2, %c : (tensor<?x784xf32>, tensor<784x128xf32>, tensor<4x1xf32>) -> tensor<4x128xf32>
  %3 = kiln.gemm %i, %j {alpha = 3.0 : f64} : (tensor<2x3xi32>, tensor<3x5xi32>) -> tensor<2x5xi32>
  return %0, %1, %2, %3 : tensor<?x128xf32>, tensor<?x128xf32>, tensor<4x128xf32>, tensor<2x5xi32>
}

// conv2d: strided and padded with bias and dynamic N, depthwise with
// dilation, grouped with dynamic spatial sizes.
// CHECK-LABEL: func @conv2d(
// CHECK:         kiln.conv2d %{{.*}}, %{{.*}}, %{{.*}} {pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 2, 2>} : (tensor<?x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<?x64x112x112xf32>
// CHECK:         kiln.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, groups = 64 : i64} : (tensor<?x64x112x112xf32>, tensor<64x1x3x3xf32>) -> tensor<?x64x108x108xf32>
// CHECK:         kiln.conv2d %{{.*}}, %{{.*}} {groups = 4 : i64} : (tensor<1x64x?x?xf32>, tensor<64x16x3x3xf32>) -> tensor<1x64x?x?xf32>
func.func @conv2d(%x: tensor<?x3x224x224xf32>, %w: tensor<64x3x7x7xf32>, %b: tensor<64xf32>, %dw: tensor<64x1x3x3xf32>, %gw: tensor<64x16x3x3xf32>, %y: tensor<1x64x?x?xf32>) -> (tensor<?x64x112x112xf32>, tensor<?x64x108x108xf32>, tensor<1x64x?x?xf32>) {
  %0 = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>} : (tensor<?x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<?x64x112x112xf32>
  %1 = kiln.conv2d %0, %dw {groups = 64 : i64, dilations = array<i64: 2, 2>} : (tensor<?x64x112x112xf32>, tensor<64x1x3x3xf32>) -> tensor<?x64x108x108xf32>
  %2 = kiln.conv2d %y, %gw {groups = 4 : i64} : (tensor<1x64x?x?xf32>, tensor<64x16x3x3xf32>) -> tensor<1x64x?x?xf32>
  return %0, %1, %2 : tensor<?x64x112x112xf32>, tensor<?x64x108x108xf32>, tensor<1x64x?x?xf32>
}

// Window pooling and global pooling with a dynamic batch.
// CHECK-LABEL: func @pools(
// CHECK:         kiln.max_pool2d %{{.*}} {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<?x64x112x112xf32> -> tensor<?x64x56x56xf32>
// CHECK:         kiln.avg_pool2d %{{.*}} {count_include_pad = true, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<?x64x112x112xf32> -> tensor<?x64x56x56xf32>
// CHECK:         kiln.global_avg_pool %{{.*}} : tensor<?x64x112x112xf32> -> tensor<?x64x1x1xf32>
// CHECK:         kiln.global_max_pool %{{.*}} : tensor<?x64x112x112xf32> -> tensor<?x64x1x1xf32>
func.func @pools(%x: tensor<?x64x112x112xf32>) -> (tensor<?x64x56x56xf32>, tensor<?x64x56x56xf32>, tensor<?x64x1x1xf32>, tensor<?x64x1x1xf32>) {
  %0 = kiln.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : tensor<?x64x112x112xf32> -> tensor<?x64x56x56xf32>
  %1 = kiln.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, count_include_pad = true} : tensor<?x64x112x112xf32> -> tensor<?x64x56x56xf32>
  %2 = kiln.global_avg_pool %x : tensor<?x64x112x112xf32> -> tensor<?x64x1x1xf32>
  %3 = kiln.global_max_pool %x : tensor<?x64x112x112xf32> -> tensor<?x64x1x1xf32>
  return %0, %1, %2, %3 : tensor<?x64x56x56xf32>, tensor<?x64x56x56xf32>, tensor<?x64x1x1xf32>, tensor<?x64x1x1xf32>
}

// batch_norm, and layer_norm with and without bias over the last two axes.
// CHECK-LABEL: func @norms(
// CHECK:         kiln.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f64} : (tensor<?x64x7x7xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x64x7x7xf32>
// CHECK:         kiln.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<?x16x256xf32>, tensor<16x256xf32>, tensor<16x256xf32>) -> tensor<?x16x256xf32>
// CHECK:         kiln.layer_norm %{{.*}}, %{{.*}} {axis = -2 : i64} : (tensor<?x16x256xf32>, tensor<16x256xf32>) -> tensor<?x16x256xf32>
func.func @norms(%x: tensor<?x64x7x7xf32>, %p: tensor<64xf32>, %y: tensor<?x16x256xf32>, %g: tensor<16x256xf32>) -> (tensor<?x64x7x7xf32>, tensor<?x16x256xf32>, tensor<?x16x256xf32>) {
  %0 = kiln.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-3 : f64} : (tensor<?x64x7x7xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x64x7x7xf32>
  %1 = kiln.layer_norm %y, %g, %g {axis = 1 : i64} : (tensor<?x16x256xf32>, tensor<16x256xf32>, tensor<16x256xf32>) -> tensor<?x16x256xf32>
  %2 = kiln.layer_norm %y, %g {axis = -2 : i64} : (tensor<?x16x256xf32>, tensor<16x256xf32>) -> tensor<?x16x256xf32>
  return %0, %1, %2 : tensor<?x64x7x7xf32>, tensor<?x16x256xf32>, tensor<?x16x256xf32>
}

// softmax and log_softmax along the default and an explicit axis.
// CHECK-LABEL: func @softmax(
// CHECK:         kiln.softmax %{{.*}} : tensor<4x?xf32>
// CHECK:         kiln.log_softmax %{{.*}} {axis = 0 : i64} : tensor<4x?xf32>
func.func @softmax(%x: tensor<4x?xf32>) -> (tensor<4x?xf32>, tensor<4x?xf32>) {
  %0 = kiln.softmax %x : tensor<4x?xf32>
  %1 = kiln.log_softmax %x {axis = 0 : i64} : tensor<4x?xf32>
  return %0, %1 : tensor<4x?xf32>, tensor<4x?xf32>
}

// Reductions: negative axis with keepdims, several axes without, all axes
// (empty list), and an integer product.
// CHECK-LABEL: func @reduce(
// CHECK:         kiln.reduce_sum %{{.*}} {axes = array<i64: -1>} : tensor<4x?x8xf32> -> tensor<4x?x1xf32>
// CHECK:         kiln.reduce_mean %{{.*}} {axes = array<i64: 0, 2>, keepdims = false} : tensor<4x?x8xf32> -> tensor<?xf32>
// CHECK:         kiln.reduce_max %{{.*}} : tensor<4x?x8xf32> -> tensor<1x1x1xf32>
// CHECK:         kiln.reduce_min %{{.*}} {keepdims = false} : tensor<4x?x8xf32> -> tensor<f32>
// CHECK:         kiln.reduce_prod %{{.*}} {axes = array<i64: 1>, keepdims = false} : tensor<3x5xi32> -> tensor<3xi32>
func.func @reduce(%x: tensor<4x?x8xf32>, %i: tensor<3x5xi32>) -> (tensor<4x?x1xf32>, tensor<?xf32>, tensor<1x1x1xf32>, tensor<f32>, tensor<3xi32>) {
  %0 = kiln.reduce_sum %x {axes = array<i64: -1>} : tensor<4x?x8xf32> -> tensor<4x?x1xf32>
  %1 = kiln.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<4x?x8xf32> -> tensor<?xf32>
  %2 = kiln.reduce_max %x : tensor<4x?x8xf32> -> tensor<1x1x1xf32>
  %3 = kiln.reduce_min %x {keepdims = false} : tensor<4x?x8xf32> -> tensor<f32>
  %4 = kiln.reduce_prod %i {axes = array<i64: 1>, keepdims = false} : tensor<3x5xi32> -> tensor<3xi32>
  return %0, %1, %2, %3, %4 : tensor<4x?x1xf32>, tensor<?xf32>, tensor<1x1x1xf32>, tensor<f32>, tensor<3xi32>
}

// argmax / argmin return i64 indices.
// CHECK-LABEL: func @arg_reduce(
// CHECK:         kiln.argmax %{{.*}} {axis = -1 : i64, keepdims = false} : tensor<?x10xf32> -> tensor<?xi64>
// CHECK:         kiln.argmin %{{.*}} : tensor<?x10xf32> -> tensor<1x10xi64>
func.func @arg_reduce(%x: tensor<?x10xf32>) -> (tensor<?xi64>, tensor<1x10xi64>) {
  %0 = kiln.argmax %x {axis = -1 : i64, keepdims = false} : tensor<?x10xf32> -> tensor<?xi64>
  %1 = kiln.argmin %x : tensor<?x10xf32> -> tensor<1x10xi64>
  return %0, %1 : tensor<?xi64>, tensor<1x10xi64>
}

// reshape: 0 copies a dynamic dimension, -1 is inferred when the rest is
// static and stays dynamic when it is not.
// CHECK-LABEL: func @reshape(
// CHECK:         kiln.reshape %{{.*}} {shape = array<i64: 0, -1>} : tensor<?x64x7x7xf32> -> tensor<?x3136xf32>
// CHECK:         kiln.reshape %{{.*}} {shape = array<i64: 0, 0, 49>} : tensor<?x64x7x7xf32> -> tensor<?x64x49xf32>
// CHECK:         kiln.reshape %{{.*}} {shape = array<i64: -1, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK:         kiln.reshape %{{.*}} {shape = array<i64: 8, -1>} : tensor<2x?x4xf32> -> tensor<8x?xf32>
func.func @reshape(%x: tensor<?x64x7x7xf32>, %y: tensor<2x3x4xf32>, %z: tensor<2x?x4xf32>) -> (tensor<?x3136xf32>, tensor<?x64x49xf32>, tensor<6x4xf32>, tensor<8x?xf32>) {
  %0 = kiln.reshape %x {shape = array<i64: 0, -1>} : tensor<?x64x7x7xf32> -> tensor<?x3136xf32>
  %1 = kiln.reshape %x {shape = array<i64: 0, 0, 49>} : tensor<?x64x7x7xf32> -> tensor<?x64x49xf32>
  %2 = kiln.reshape %y {shape = array<i64: -1, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %3 = kiln.reshape %z {shape = array<i64: 8, -1>} : tensor<2x?x4xf32> -> tensor<8x?xf32>
  return %0, %1, %2, %3 : tensor<?x3136xf32>, tensor<?x64x49xf32>, tensor<6x4xf32>, tensor<8x?xf32>
}

// transpose moves a dynamic dimension.
// CHECK-LABEL: func @transpose(
// CHECK:         kiln.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : tensor<2x?x4xf32> -> tensor<4x2x?xf32>
func.func @transpose(%x: tensor<2x?x4xf32>) -> tensor<4x2x?xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x?x4xf32> -> tensor<4x2x?xf32>
  return %0 : tensor<4x2x?xf32>
}

// concat: static, and dynamic inputs refined by a static one.
// CHECK-LABEL: func @concat(
// CHECK:         kiln.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
// CHECK:         kiln.concat %{{.*}}, %{{.*}} {axis = -1 : i64} : (tensor<?x?xf32>, tensor<2x3xf32>) -> tensor<2x?xf32>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<?x?xf32>) -> (tensor<2x8xf32>, tensor<2x?xf32>) {
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %1 = kiln.concat %c, %a {axis = -1 : i64} : (tensor<?x?xf32>, tensor<2x3xf32>) -> tensor<2x?xf32>
  return %0, %1 : tensor<2x8xf32>, tensor<2x?xf32>
}

// slice: strided with a negative end, a negative step over a dynamic batch,
// and the default axes with an INT64_MAX end.
// CHECK-LABEL: func @slice(
// CHECK:         kiln.slice %{{.*}} {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 1>, steps = array<i64: 2>} : tensor<4x10xf32> -> tensor<4x4xf32>
// CHECK:         kiln.slice %{{.*}} {axes = array<i64: 0, 1>, ends = array<i64: 3, -11>, starts = array<i64: 0, -1>, steps = array<i64: 1, -2>} : tensor<?x10xf32> -> tensor<?x5xf32>
// CHECK:         kiln.slice %{{.*}} {ends = array<i64: 9223372036854775807>, starts = array<i64: 2>} : tensor<4x10xf32> -> tensor<2x10xf32>
func.func @slice(%x: tensor<4x10xf32>, %y: tensor<?x10xf32>) -> (tensor<4x4xf32>, tensor<?x5xf32>, tensor<2x10xf32>) {
  %0 = kiln.slice %x {starts = array<i64: 1>, ends = array<i64: -1>, axes = array<i64: 1>, steps = array<i64: 2>} : tensor<4x10xf32> -> tensor<4x4xf32>
  %1 = kiln.slice %y {starts = array<i64: 0, -1>, ends = array<i64: 3, -11>, axes = array<i64: 0, 1>, steps = array<i64: 1, -2>} : tensor<?x10xf32> -> tensor<?x5xf32>
  %2 = kiln.slice %x {starts = array<i64: 2>, ends = array<i64: 9223372036854775807>} : tensor<4x10xf32> -> tensor<2x10xf32>
  return %0, %1, %2 : tensor<4x4xf32>, tensor<?x5xf32>, tensor<2x10xf32>
}

// gather with i64 indices of dynamic shape, and i32 indices on the last axis.
// CHECK-LABEL: func @gather(
// CHECK:         kiln.gather %{{.*}}, %{{.*}} : (tensor<1000x64xf32>, tensor<?x16xi64>) -> tensor<?x16x64xf32>
// CHECK:         kiln.gather %{{.*}}, %{{.*}} {axis = -1 : i64} : (tensor<1000x64xf32>, tensor<3xi32>) -> tensor<1000x3xf32>
func.func @gather(%t: tensor<1000x64xf32>, %ids: tensor<?x16xi64>, %j: tensor<3xi32>) -> (tensor<?x16x64xf32>, tensor<1000x3xf32>) {
  %0 = kiln.gather %t, %ids {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<?x16xi64>) -> tensor<?x16x64xf32>
  %1 = kiln.gather %t, %j {axis = -1 : i64} : (tensor<1000x64xf32>, tensor<3xi32>) -> tensor<1000x3xf32>
  return %0, %1 : tensor<?x16x64xf32>, tensor<1000x3xf32>
}

// gather_elements has the shape of its indices.
// CHECK-LABEL: func @gather_elements(
// CHECK:         kiln.gather_elements %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<4x10xf32>, tensor<4x1xi64>) -> tensor<4x1xf32>
// CHECK:         kiln.gather_elements %{{.*}}, %{{.*}} {axis = -1 : i64} : (tensor<?x10xf32>, tensor<?x3xi32>) -> tensor<?x3xf32>
func.func @gather_elements(%x: tensor<4x10xf32>, %i: tensor<4x1xi64>, %d: tensor<?x10xf32>, %j: tensor<?x3xi32>) -> (tensor<4x1xf32>, tensor<?x3xf32>) {
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<4x10xf32>, tensor<4x1xi64>) -> tensor<4x1xf32>
  %1 = kiln.gather_elements %d, %j {axis = -1 : i64} : (tensor<?x10xf32>, tensor<?x3xi32>) -> tensor<?x3xf32>
  return %0, %1 : tensor<4x1xf32>, tensor<?x3xf32>
}

// expand adds leading dimensions and stretches 1s; a dynamic one stays.
// CHECK-LABEL: func @expand(
// CHECK:         kiln.expand %{{.*}} {shape = array<i64: 4, 1, 3>} : tensor<2x1xf32> -> tensor<4x2x3xf32>
// CHECK:         kiln.expand %{{.*}} {shape = array<i64: 1, 5>} : tensor<?x1xf32> -> tensor<?x5xf32>
func.func @expand(%x: tensor<2x1xf32>, %y: tensor<?x1xf32>) -> (tensor<4x2x3xf32>, tensor<?x5xf32>) {
  %0 = kiln.expand %x {shape = array<i64: 4, 1, 3>} : tensor<2x1xf32> -> tensor<4x2x3xf32>
  %1 = kiln.expand %y {shape = array<i64: 1, 5>} : tensor<?x1xf32> -> tensor<?x5xf32>
  return %0, %1 : tensor<4x2x3xf32>, tensor<?x5xf32>
}

// pad in its three modes; a dynamic dimension stays dynamic.
// CHECK-LABEL: func @pad(
// CHECK:         kiln.pad %{{.*}} {pads = array<i64: 0, 1, 0, 2>, value = 1.500000e+00 : f64} : tensor<2x3xf32> -> tensor<2x6xf32>
// CHECK:         kiln.pad %{{.*}} {mode = "edge", pads = array<i64: 1, 1, 2, 1>} : tensor<?x3xi32> -> tensor<?x5xi32>
// CHECK:         kiln.pad %{{.*}} {mode = "reflect", pads = array<i64: 1, 2, 1, 0>} : tensor<2x3xf32> -> tensor<4x5xf32>
func.func @pad(%x: tensor<2x3xf32>, %y: tensor<?x3xi32>) -> (tensor<2x6xf32>, tensor<?x5xi32>, tensor<4x5xf32>) {
  %0 = kiln.pad %x {pads = array<i64: 0, 1, 0, 2>, value = 1.5 : f64} : tensor<2x3xf32> -> tensor<2x6xf32>
  %1 = kiln.pad %y {pads = array<i64: 1, 1, 2, 1>, mode = "edge"} : tensor<?x3xi32> -> tensor<?x5xi32>
  %2 = kiln.pad %x {pads = array<i64: 1, 2, 1, 0>, mode = "reflect"} : tensor<2x3xf32> -> tensor<4x5xf32>
  return %0, %1, %2 : tensor<2x6xf32>, tensor<?x5xi32>, tensor<4x5xf32>
}

// squeeze of listed axes, and of every static 1 (a dynamic one stays).
// CHECK-LABEL: func @squeeze(
// CHECK:         kiln.squeeze %{{.*}} {axes = array<i64: 1>} : tensor<4x1x?x1xf32> -> tensor<4x?x1xf32>
// CHECK:         kiln.squeeze %{{.*}} : tensor<4x1x?x1xf32> -> tensor<4x?xf32>
func.func @squeeze(%x: tensor<4x1x?x1xf32>) -> (tensor<4x?x1xf32>, tensor<4x?xf32>) {
  %0 = kiln.squeeze %x {axes = array<i64: 1>} : tensor<4x1x?x1xf32> -> tensor<4x?x1xf32>
  %1 = kiln.squeeze %x : tensor<4x1x?x1xf32> -> tensor<4x?xf32>
  return %0, %1 : tensor<4x?x1xf32>, tensor<4x?xf32>
}

// unsqueeze axes are positions in the result; -1 is the last one.
// CHECK-LABEL: func @unsqueeze(
// CHECK:         kiln.unsqueeze %{{.*}} {axes = array<i64: 0, -1>} : tensor<4x?xf32> -> tensor<1x4x?x1xf32>
func.func @unsqueeze(%x: tensor<4x?xf32>) -> tensor<1x4x?x1xf32> {
  %0 = kiln.unsqueeze %x {axes = array<i64: 0, -1>} : tensor<4x?xf32> -> tensor<1x4x?x1xf32>
  return %0 : tensor<1x4x?x1xf32>
}

// flatten at the default axis, at 0 and at -1, with a dynamic batch.
// CHECK-LABEL: func @flatten(
// CHECK:         kiln.flatten %{{.*}} : tensor<?x512x1x1xf32> -> tensor<?x512xf32>
// CHECK:         kiln.flatten %{{.*}} {axis = 0 : i64} : tensor<?x512x1x1xf32> -> tensor<1x?xf32>
// CHECK:         kiln.flatten %{{.*}} {axis = -1 : i64} : tensor<?x512x1x1xf32> -> tensor<?x1xf32>
func.func @flatten(%x: tensor<?x512x1x1xf32>) -> (tensor<?x512xf32>, tensor<1x?xf32>, tensor<?x1xf32>) {
  %0 = kiln.flatten %x {axis = 1 : i64} : tensor<?x512x1x1xf32> -> tensor<?x512xf32>
  %1 = kiln.flatten %x {axis = 0 : i64} : tensor<?x512x1x1xf32> -> tensor<1x?xf32>
  %2 = kiln.flatten %x {axis = -1 : i64} : tensor<?x512x1x1xf32> -> tensor<?x1xf32>
  return %0, %1, %2 : tensor<?x512xf32>, tensor<1x?xf32>, tensor<?x1xf32>
}
