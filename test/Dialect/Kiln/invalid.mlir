// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// Static dimensions that differ and are not 1 do not broadcast.
func.func @add_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'kiln.add' op operand shapes are not broadcast-compatible: 2x3 and 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Binary ops need one element type.
func.func @mul_element_types(%a: tensor<4xf32>, %b: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.mul' op operands have different element types: expected f32, got i32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.mul %a, %b : (tensor<4xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A comparison checks broadcasting like arithmetic does.
func.func @less_not_broadcastable(%a: tensor<3xf32>, %b: tensor<5xf32>) -> tensor<3xi1> {
  // expected-error @+2 {{'kiln.less' op operand shapes are not broadcast-compatible: 3 and 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.less %a, %b : (tensor<3xf32>, tensor<5xf32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

// Logical ops only take i1 tensors.
func.func @and_not_bool(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'kiln.and' op operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = kiln.and %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// The written result type must be the inferred one.
func.func @inferred_type_mismatch(%a: tensor<4x1xf32>, %b: tensor<3xf32>) -> tensor<4x4xf32> {
  // expected-error @+2 {{'kiln.add' op inferred type(s) 'tensor<4x3xf32>' are incompatible with return type(s) of operation 'tensor<4x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// A written result less precise than the inferred one is also refused.
func.func @inferred_type_less_static(%a: tensor<4xf32>) -> tensor<?xf32> {
  // expected-error @+2 {{'kiln.transpose' op inferred type(s) 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<?xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %a {perm = array<i64: 0>} : tensor<4xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// where: the condition must broadcast with the branches.
func.func @where_condition(%c: tensor<3xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.where' op condition shape 3 does not broadcast with 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.where %c, %a, %b : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// where: both branches have one element type.
func.func @where_branch_types(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.where' op operands have different element types: expected f32, got f16}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Float-only unary ops refuse integers.
func.func @exp_of_int(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'kiln.exp' op operand #0 must be ranked tensor of floating-point values}}
  %0 = kiln.exp %a : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// matmul needs rank >= 2 operands.
func.func @matmul_rank(%a: tensor<4xf32>, %b: tensor<4x5xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{'kiln.matmul' op operands must have rank >= 2, got 1 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// matmul operands share an element type.
func.func @matmul_element_types(%a: tensor<2x4xf32>, %b: tensor<4x5xf16>) -> tensor<2x5xf32> {
  // expected-error @+2 {{'kiln.matmul' op operands have different element types}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<4x5xf16>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// matmul: K of lhs and rhs must agree.
func.func @matmul_k(%a: tensor<2x4xf32>, %b: tensor<3x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{'kiln.matmul' op contraction dimensions differ: lhs 2x4 has K = 4, rhs 3x5 has K = 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// matmul: batch dimensions broadcast with NumPy rules.
func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) -> tensor<2x3x5xf32> {
  // expected-error @+2 {{'kiln.matmul' op batch dimensions do not broadcast: 2 and 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x3x4xf32>, tensor<3x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// gemm: A and B are 2-D.
func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{'kiln.gemm' op A and B must be 2-D, got rank 3 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// gemm: A and B share an element type.
func.func @gemm_element_types(%a: tensor<3x4xf32>, %b: tensor<4x5xf64>) -> tensor<3x5xf32> {
  // expected-error @+2 {{'kiln.gemm' op A and B have different element types}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b : (tensor<3x4xf32>, tensor<4x5xf64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// gemm: K is checked after the transposes.
func.func @gemm_k(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{'kiln.gemm' op contraction dimensions differ: 4 vs 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b {trans_b = true} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// gemm: C broadcasts to [M, N] without growing it.
func.func @gemm_c(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<2x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{'kiln.gemm' op C of type tensor<2x5xf32> does not broadcast to the result 3x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<2x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// gemm: integer products only scale by whole numbers.
func.func @gemm_int_scale(%a: tensor<3x4xi32>, %b: tensor<4x5xi32>) -> tensor<3x5xi32> {
  // expected-error @+2 {{'kiln.gemm' op alpha and beta must be whole numbers for element type i32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gemm %a, %b {alpha = 0.5 : f64} : (tensor<3x4xi32>, tensor<4x5xi32>) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}

// -----

// conv2d: input and filter are 4-D.
func.func @conv_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op input and filter must be 4-D (NCHW, FCHW), got rank 3 and 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// conv2d: input and filter share an element type.
func.func @conv_element_types(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op input and filter have different element types}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// conv2d: groups is positive.
func.func @conv_groups_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op groups must be >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {groups = 0 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// conv2d: the filter shape is static.
func.func @conv_dynamic_filter(%x: tensor<1x3x8x8xf32>, %w: tensor<?x3x3x3xf32>) -> tensor<1x?x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op filter shape must be static}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<?x3x3x3xf32>) -> tensor<1x?x6x6xf32>
  return %0 : tensor<1x?x6x6xf32>
}

// -----

// conv2d: the filter count divides into the groups.
func.func @conv_groups_features(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op filter count 6 is not divisible by groups 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {groups = 4 : i64} : (tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// conv2d: input channels are filter channels times groups.
func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op input has 3 channels but filter expects 2 x 1 groups}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// conv2d: the bias has one value per filter.
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op bias must be 1-D of size 4 and element type f32, got tensor<3xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// conv2d: the bias has the input's element type.
func.func @conv_bias_element_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op bias must be 1-D of size 4 and element type f32, got tensor<4xf16>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf16>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// conv2d: the (dilated) window fits the padded input.
func.func @conv_window_too_big(%x: tensor<1x3x4x4xf32>, %w: tensor<4x3x5x5xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+2 {{'kiln.conv2d' op window of 5 (dilation 1) does not fit spatial dimension 2 of size 4 plus padding}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x4x4xf32>, tensor<4x3x5x5xf32>) -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

// conv2d: strides has two entries.
func.func @conv_strides_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op 'strides' needs 2 values, got 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {strides = array<i64: 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// conv2d: strides are positive.
func.func @conv_strides_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op 'strides' values must be >= 1, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// conv2d: pads has four entries.
func.func @conv_pads_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{'kiln.conv2d' op 'pads' needs 4 values, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// conv2d: dilations are positive.
func.func @conv_dilations(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'kiln.conv2d' op 'dilations' values must be >= 1, got -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {dilations = array<i64: -1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Pooling works on NCHW.
func.func @pool_rank(%x: tensor<3x8x8xf32>) -> tensor<3x4x4xf32> {
  // expected-error @+2 {{'kiln.max_pool2d' op input must be 4-D (NCHW), got rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>} : tensor<3x8x8xf32> -> tensor<3x4x4xf32>
  return %0 : tensor<3x4x4xf32>
}

// -----

// Pooling: the kernel has two entries.
func.func @pool_kernel_count(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+2 {{'kiln.avg_pool2d' op 'kernel' needs 2 values, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 2, 2, 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// Pooling: kernel sizes are positive.
func.func @pool_kernel_zero(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+2 {{'kiln.max_pool2d' op 'kernel' values must be >= 1, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel = array<i64: 0, 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// Pooling: pads are not negative.
func.func @pool_negative_pad(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+2 {{'kiln.max_pool2d' op 'pads' values must be >= 0, got -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, -1, 0>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// Pooling: every window overlaps the input.
func.func @pool_pads_too_big(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+2 {{'kiln.max_pool2d' op pads must be smaller than the kernel}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

// Pooling: the window fits the padded input.
func.func @pool_window_too_big(%x: tensor<1x3x2x8xf32>) -> tensor<1x3x1x6xf32> {
  // expected-error @+2 {{'kiln.avg_pool2d' op window of 3 (dilation 1) does not fit spatial dimension 2 of size 2 plus padding}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 3, 3>} : tensor<1x3x2x8xf32> -> tensor<1x3x1x6xf32>
  return %0 : tensor<1x3x1x6xf32>
}

// -----

// Global pooling needs N, C and at least one spatial dimension.
func.func @global_pool_rank(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'kiln.global_avg_pool' op input must have rank >= 3 (N, C, spatial...), got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.global_avg_pool %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Reductions: an axis out of range.
func.func @reduce_axis_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'kiln.reduce_sum' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_sum %x {axes = array<i64: 2>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Reductions: an axis listed twice (once negative).
func.func @reduce_axis_repeated(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{'kiln.reduce_max' op axis -1 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_max %x {axes = array<i64: 1, -1>} : tensor<2x3xf32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// argmax: the axis is in range.
func.func @argmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xi64> {
  // expected-error @+2 {{'kiln.argmax' op axis -3 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.argmax %x {axis = -3 : i64} : tensor<2x3xf32> -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// argmin: the result holds i64 indices.
func.func @argmin_result_type(%x: tensor<2x3xf32>) -> tensor<1x3xi32> {
  // expected-error @+1 {{'kiln.argmin' op result #0 must be ranked tensor of 64-bit signless integer values}}
  %0 = kiln.argmin %x : tensor<2x3xf32> -> tensor<1x3xi32>
  return %0 : tensor<1x3xi32>
}

// -----

// reshape: one -1 at most.
func.func @reshape_two_inferred(%x: tensor<2x3x4xf32>) -> tensor<?x?xf32> {
  // expected-error @+2 {{'kiln.reshape' op shape has more than one -1 entry}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: -1, -1>} : tensor<2x3x4xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// reshape: the element count must match.
func.func @reshape_count(%x: tensor<2x3x4xf32>) -> tensor<5x5xf32> {
  // expected-error @+2 {{'kiln.reshape' op cannot reshape tensor<2x3x4> (24 elements outside copied dimensions) into 5x5 (25)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: 5, 5>} : tensor<2x3x4xf32> -> tensor<5x5xf32>
  return %0 : tensor<5x5xf32>
}

// -----

// reshape: -1 must divide the element count.
func.func @reshape_inferred_count(%x: tensor<2x3x4xf32>) -> tensor<5x?xf32> {
  // expected-error @+2 {{'kiln.reshape' op cannot reshape 24 elements into 5x?}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: 5, -1>} : tensor<2x3x4xf32> -> tensor<5x?xf32>
  return %0 : tensor<5x?xf32>
}

// -----

// reshape: a 0 (copy) entry beyond the input rank.
func.func @reshape_copy_beyond_rank(%x: tensor<6x4xf32>) -> tensor<6x4x1xf32> {
  // expected-error @+2 {{'kiln.reshape' op shape entry 2 is 0 (copy) but the input has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: 0, 0, 0>} : tensor<6x4xf32> -> tensor<6x4x1xf32>
  return %0 : tensor<6x4x1xf32>
}

// -----

// reshape: entries below -1.
func.func @reshape_negative_entry(%x: tensor<6x4xf32>) -> tensor<24xf32> {
  // expected-error @+2 {{'kiln.reshape' op shape entry 0 is -2; expected a size, 0 (copy) or -1 (infer)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: -2>} : tensor<6x4xf32> -> tensor<24xf32>
  return %0 : tensor<24xf32>
}

// -----

// transpose: perm is a permutation of all dimensions.
func.func @transpose_repeated(%x: tensor<2x3x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+2 {{'kiln.transpose' op perm must be a permutation of 0..2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %x {perm = array<i64: 0, 0, 2>} : tensor<2x3x4xf32> -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}

// -----

// transpose: perm has one entry per dimension.
func.func @transpose_short(%x: tensor<2x3x4xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'kiln.transpose' op perm must be a permutation of 0..2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3x4xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// concat: at least one input.
func.func @concat_empty() -> tensor<2xf32> {
  // expected-error @+2 {{'kiln.concat' op needs at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// concat: the axis is in range.
func.func @concat_axis(%a: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'kiln.concat' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// concat: inputs share rank and element type.
func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<2x3x1xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'kiln.concat' op input 1 has type tensor<2x3x1xf32>, expected rank 2 and element type f32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// concat: dimensions other than the axis agree.
func.func @concat_size(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'kiln.concat' op input 1 has size 4 in dimension 0, expected 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// slice: a zero step.
func.func @slice_zero_step(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  // expected-error @+2 {{'kiln.slice' op steps must not be 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: 0>, ends = array<i64: 4>, steps = array<i64: 0>} : tensor<4x10xf32> -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// slice: starts, ends, axes and steps have one length.
func.func @slice_lengths(%x: tensor<4x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+2 {{'kiln.slice' op starts, ends, axes and steps must have the same length}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 2>} : tensor<4x10xf32> -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// slice: an axis is listed once and in range.
func.func @slice_axis_repeated(%x: tensor<4x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+2 {{'kiln.slice' op axis -2 is out of range or repeated for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 2, 2>, axes = array<i64: 0, -2>} : tensor<4x10xf32> -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// gather: the axis is in range.
func.func @gather_axis(%t: tensor<10x4xf32>, %i: tensor<3xi64>) -> tensor<10x4xf32> {
  // expected-error @+2 {{'kiln.gather' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather %t, %i {axis = 2 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<10x4xf32>
  return %0 : tensor<10x4xf32>
}

// -----

// gather: indices are i32 or i64.
func.func @gather_index_type(%t: tensor<10x4xf32>, %i: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.gather' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = kiln.gather %t, %i : (tensor<10x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// gather_elements: data and indices have one rank.
func.func @gather_elements_rank(%x: tensor<4x10xf32>, %i: tensor<4xi64>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.gather_elements' op data and indices must have the same rank, got 2 and 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// gather_elements: the axis is in range.
func.func @gather_elements_axis(%x: tensor<4x10xf32>, %i: tensor<4x1xi64>) -> tensor<4x1xf32> {
  // expected-error @+2 {{'kiln.gather_elements' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i {axis = 2 : i64} : (tensor<4x10xf32>, tensor<4x1xi64>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

// gather_elements: off the axis, indices do not exceed the data.
func.func @gather_elements_size(%x: tensor<4x10xf32>, %i: tensor<5x1xi64>) -> tensor<5x1xf32> {
  // expected-error @+2 {{'kiln.gather_elements' op indices dimension 0 (5) exceeds the data's (4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<4x10xf32>, tensor<5x1xi64>) -> tensor<5x1xf32>
  return %0 : tensor<5x1xf32>
}

// -----

// expand: shape entries are sizes.
func.func @expand_zero(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{'kiln.expand' op shape entries must be >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.expand %x {shape = array<i64: 0>} : tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// expand: the shape broadcasts with the input.
func.func @expand_incompatible(%x: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.expand' op cannot broadcast 3 to 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.expand %x {shape = array<i64: 4>} : tensor<3xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// pad: an unknown mode.
func.func @pad_mode(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{'kiln.pad' op mode must be constant, edge or reflect, got 'wrap'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x {pads = array<i64: 0, 1, 0, 1>, mode = "wrap"} : tensor<2x3xf32> -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// pad: negative pads.
func.func @pad_negative(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{'kiln.pad' op 'pads' values must be >= 0, got -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x {pads = array<i64: 0, 0, 0, -1>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// pad: two entries per dimension.
func.func @pad_count(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{'kiln.pad' op 'pads' needs 4 values, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x {pads = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// pad: a reflection stays inside the dimension.
func.func @pad_reflect_too_big(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'kiln.pad' op reflect pads must be smaller than dimension 1 of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x {pads = array<i64: 0, 3, 0, 0>, mode = "reflect"} : tensor<2x3xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// squeeze: only static 1s.
func.func @squeeze_not_one(%x: tensor<4x3xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.squeeze' op cannot squeeze dimension 1 of size 3; expected a static 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.squeeze %x {axes = array<i64: 1>} : tensor<4x3xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// squeeze: a dynamic dimension might not be 1.
func.func @squeeze_dynamic(%x: tensor<4x?xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.squeeze' op cannot squeeze dimension 1 of size ?; expected a static 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.squeeze %x {axes = array<i64: -1>} : tensor<4x?xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// squeeze: an axis out of range.
func.func @squeeze_axis(%x: tensor<4x1xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.squeeze' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.squeeze %x {axes = array<i64: 2>} : tensor<4x1xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// unsqueeze: a repeated result position.
func.func @unsqueeze_repeated(%x: tensor<4xf32>) -> tensor<1x1x4xf32> {
  // expected-error @+2 {{'kiln.unsqueeze' op axis -3 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.unsqueeze %x {axes = array<i64: 0, -3>} : tensor<4xf32> -> tensor<1x1x4xf32>
  return %0 : tensor<1x1x4xf32>
}

// -----

// unsqueeze: positions are in the result's rank.
func.func @unsqueeze_axis(%x: tensor<4xf32>) -> tensor<4x1xf32> {
  // expected-error @+2 {{'kiln.unsqueeze' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.unsqueeze %x {axes = array<i64: 2>} : tensor<4xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

// flatten: the axis is in [-rank, rank].
func.func @flatten_axis(%x: tensor<2x3x4xf32>) -> tensor<24x1xf32> {
  // expected-error @+2 {{'kiln.flatten' op axis 4 is out of range for rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.flatten %x {axis = 4 : i64} : tensor<2x3x4xf32> -> tensor<24x1xf32>
  return %0 : tensor<24x1xf32>
}

// -----

// batch_norm: the input has a channel dimension.
func.func @batch_norm_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.batch_norm' op input must have rank >= 2 (N, C, ...), got 1}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %p : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// batch_norm: parameters have one value per channel.
func.func @batch_norm_param(%x: tensor<1x8x4x4xf32>, %p: tensor<8xf32>, %v: tensor<4xf32>) -> tensor<1x8x4x4xf32> {
  // expected-error @+1 {{'kiln.batch_norm' op variance must be a 1-D tensor of 'f32' with 8 elements (the channels), got 'tensor<4xf32>'}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %v : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// batch_norm: parameters have the input's element type.
func.func @batch_norm_param_type(%x: tensor<1x8x4x4xf32>, %p: tensor<8xf32>, %s: tensor<8xf16>) -> tensor<1x8x4x4xf32> {
  // expected-error @+1 {{'kiln.batch_norm' op scale must be a 1-D tensor of 'f32' with 8 elements (the channels), got 'tensor<8xf16>'}}
  %0 = kiln.batch_norm %x, %s, %p, %p, %p : (tensor<1x8x4x4xf32>, tensor<8xf16>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// layer_norm: the axis is in range.
func.func @layer_norm_axis(%x: tensor<2x8xf32>, %g: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'kiln.layer_norm' op axis 2 is out of range for rank 2}}
  %0 = kiln.layer_norm %x, %g {axis = 2 : i64} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// layer_norm: scale has the normalized shape.
func.func @layer_norm_scale(%x: tensor<2x4x8xf32>, %g: tensor<8xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{'kiln.layer_norm' op scale and bias must have the normalized shape 4x8, got 'tensor<8xf32>'}}
  %0 = kiln.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %0 : tensor<2x4x8xf32>
}

// -----

// layer_norm: bias has the normalized shape too.
func.func @layer_norm_bias(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<7xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'kiln.layer_norm' op scale and bias must have the normalized shape 8, got 'tensor<7xf32>'}}
  %0 = kiln.layer_norm %x, %g, %b : (tensor<2x8xf32>, tensor<8xf32>, tensor<7xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// softmax: the axis is in range.
func.func @softmax_axis(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'kiln.softmax' op axis 2 is out of range for rank 2}}
  %0 = kiln.softmax %x {axis = 2 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// log_softmax: the axis is in range.
func.func @log_softmax_axis(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'kiln.log_softmax' op axis -3 is out of range for rank 2}}
  %0 = kiln.log_softmax %x {axis = -3 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// gelu: approximate is "none" or "tanh".
func.func @gelu_approximate(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.gelu' op approximate must be "none" or "tanh", got "erf"}}
  %0 = kiln.gelu %x {approximate = "erf"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// clip: min is not greater than max.
func.func @clip_bounds(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.clip' op min 6.000000e+00 is greater than max 0.000000e+00}}
  %0 = kiln.clip %x {min = 6.0 : f64, max = 0.0 : f64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// cast: only the element type changes.
func.func @cast_shape(%x: tensor<4xf32>) -> tensor<2x2xi32> {
  // expected-error @+1 {{'kiln.cast' op input and result shapes differ: 'tensor<4xf32>' vs 'tensor<2x2xi32>'}}
  %0 = kiln.cast %x : tensor<4xf32> to tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// constant: the value's type is the result type.
func.func @constant_type() -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.constant' op failed to verify that all of {value, output} have same type}}
  %0 = "kiln.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// constant: the value is a tensor, not a scalar.
func.func @constant_scalar() -> tensor<f32> {
  // expected-error @+1 {{'kiln.constant' op failed to verify that all of {value, output} have same type}}
  %0 = "kiln.constant"() {value = 1.0 : f32} : () -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// A required attribute is missing (checked before inference reads it).
func.func @reshape_missing_shape(%x: tensor<4xf32>) -> tensor<2x2xf32> {
  // expected-error@+1 {{'kiln.reshape' op requires attribute 'shape'}}
  %0 = "kiln.reshape"(%x) : (tensor<4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Unsigned integer elements are rejected up front, not in the lowering.
func.func @add_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error@+2 {{'kiln.add' op element type ui8 is not supported: arithmetic needs float, bool or signless integer elements}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}
