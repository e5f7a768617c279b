// RUN: kiln-opt %s -split-input-file -verify-diagnostics -convert-kiln-to-linalg | FileCheck %s

// A broadcast operand reads index 0 of its unit dimensions; a lower-rank one
// is aligned from the right.
// CHECK-DAG:   #[[$LHS:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG:   #[[$RHS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG:   #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @add_broadcast(
// CHECK-SAME:    %[[A:.*]]: tensor<4x1xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK:         %[[INIT:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:        ins(%[[A]], %[[B]] : tensor<4x1xf32>, tensor<3xf32>) outs(%[[INIT]] : tensor<4x3xf32>)
// CHECK:           %[[SUM:.*]] = arith.addf
// CHECK:           linalg.yield %[[SUM]] : f32
// CHECK:         return %[[R]]
func.func @add_broadcast(%a: tensor<4x1xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> {
  %0 = kiln.add %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Dynamic result sizes come from the operand that is not broadcast there.
// CHECK-LABEL: func @mul_dynamic(
// CHECK-SAME:    %[[A:.*]]: tensor<?x1xf32>, %[[B:.*]]: tensor<1x?xf32>)
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[D0:.*]] = tensor.dim %[[A]], %[[C0]]
// CHECK-DAG:     %[[D1:.*]] = tensor.dim %[[B]], %[[C1]]
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?xf32>
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%[[INIT]] : tensor<?x?xf32>)
// CHECK:           arith.mulf
func.func @mul_dynamic(%a: tensor<?x1xf32>, %b: tensor<1x?xf32>) -> tensor<?x?xf32> {
  %0 = kiln.mul %a, %b : (tensor<?x1xf32>, tensor<1x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Integer division rounds toward zero; comparisons of integers are signed.
// CHECK-LABEL: func @int_ops(
// CHECK:         linalg.generic
// CHECK:           arith.divsi %{{.*}}, %{{.*}} : i32
// CHECK:         linalg.generic
// CHECK:           arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK:         } -> tensor<4xi1>
func.func @int_ops(%a: tensor<4xi32>, %b: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi1>) {
  %0 = kiln.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = kiln.less %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  return %0, %1 : tensor<4xi32>, tensor<4xi1>
}

// -----

// where selects, with a 0-D branch broadcast by an empty map.
// CHECK-DAG:   #[[$ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG:   #[[$SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func @where(
// CHECK:         linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]], #[[$SCALAR]], #[[$ID]]]
// CHECK:         ^bb0(%[[C:.*]]: i1, %[[T:.*]]: f32, %[[F:.*]]: f32, %{{.*}}: f32):
// CHECK:           %[[S:.*]] = arith.select %[[C]], %[[T]], %[[F]] : f32
// CHECK:           linalg.yield %[[S]]
func.func @where(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<f32>) -> tensor<4xf32> {
  %0 = kiln.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Casts: float to int truncates (fptosi), i1 is unsigned (uitofp), anything
// non-zero is true, and same-width floats go through f32.
// CHECK-LABEL: func @cast(
// CHECK:         arith.fptosi %{{.*}} : f32 to i32
// CHECK:         arith.uitofp %{{.*}} : i1 to f32
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:    arith.cmpf une, %{{.*}}, %[[ZERO]] : f32
// CHECK:         %[[WIDE:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK-NEXT:    arith.truncf %[[WIDE]] : f32 to bf16
func.func @cast(%a: tensor<4xf32>, %b: tensor<4xi1>, %h: tensor<4xf16>) -> (tensor<4xi32>, tensor<4xf32>, tensor<4xi1>, tensor<4xbf16>) {
  %0 = kiln.cast %a : tensor<4xf32> to tensor<4xi32>
  %1 = kiln.cast %b : tensor<4xi1> to tensor<4xf32>
  %2 = kiln.cast %a : tensor<4xf32> to tensor<4xi1>
  %3 = kiln.cast %h : tensor<4xf16> to tensor<4xbf16>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<4xf32>, tensor<4xi1>, tensor<4xbf16>
}

// -----

// A constant becomes an arith.constant.
// CHECK-LABEL: func @constant(
// CHECK:         %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK:         return %[[C]]
func.func @constant() -> tensor<2xf32> {
  %0 = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// expand is a broadcasting copy.
// CHECK-DAG:   #[[$IN:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG:   #[[$OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func @expand(
// CHECK:         linalg.generic {indexing_maps = [#[[$IN]], #[[$OUT]]]
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      linalg.yield %[[IN]] : f32
// CHECK:         } -> tensor<4x2x3xf32>
func.func @expand(%x: tensor<2x1xf32>) -> tensor<4x2x3xf32> {
  %0 = kiln.expand %x {shape = array<i64: 4, 1, 3>} : tensor<2x1xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// A 2-D matmul is a linalg.matmul into a zero-filled init.
// CHECK-LABEL: func @matmul_2d(
// CHECK-SAME:    %[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<8x16xf32>)
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<4x16xf32>
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<4x16xf32>)
// CHECK:         %[[MM:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<8x16xf32>) outs(%[[INIT]] : tensor<4x16xf32>)
// CHECK:         return %[[MM]]
func.func @matmul_2d(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = kiln.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// [B, M, K] x [K, N]: the batch folds into M for one linalg.matmul, then
// the result is expanded back.
// CHECK-LABEL: func @matmul_3d_2d(
// CHECK-SAME:    %[[A:.*]]: tensor<2x?x8xf32>, %[[B:.*]]: tensor<8x16xf32>)
// CHECK:         %[[M:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<2x?x8xf32>
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2]] : tensor<2x?x8xf32> into tensor<?x8xf32>
// CHECK:         %[[MM:.*]] = linalg.matmul ins(%[[FLAT]], %[[B]] : tensor<?x8xf32>, tensor<8x16xf32>) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[MM]] {{\[\[}}0, 1], [2]] output_shape [2, %[[M]], 16] : tensor<?x16xf32> into tensor<2x?x16xf32>
// CHECK:         return %[[R]]
func.func @matmul_3d_2d(%a: tensor<2x?x8xf32>, %b: tensor<8x16xf32>) -> tensor<2x?x16xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x?x8xf32>, tensor<8x16xf32>) -> tensor<2x?x16xf32>
  return %0 : tensor<2x?x16xf32>
}

// -----

// Equal batches: a linalg.batch_matmul directly.
// CHECK-LABEL: func @matmul_batch(
// CHECK-SAME:    %[[A:.*]]: tensor<3x4x8xf32>, %[[B:.*]]: tensor<3x8x16xf32>)
// CHECK-NOT:     linalg.generic
// CHECK:         linalg.batch_matmul ins(%[[A]], %[[B]] : tensor<3x4x8xf32>, tensor<3x8x16xf32>) outs(%{{.*}} : tensor<3x4x16xf32>)
func.func @matmul_batch(%a: tensor<3x4x8xf32>, %b: tensor<3x8x16xf32>) -> tensor<3x4x16xf32> {
  %0 = kiln.matmul %a, %b : (tensor<3x4x8xf32>, tensor<3x8x16xf32>) -> tensor<3x4x16xf32>
  return %0 : tensor<3x4x16xf32>
}

// -----

// Broadcast batches: both operands are broadcast to [2, 3], the batch is
// collapsed to 6 for linalg.batch_matmul and expanded afterwards.
// CHECK-DAG:   #[[$LHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
// CHECK-DAG:   #[[$RHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>
// CHECK-LABEL: func @matmul_batch_broadcast(
// CHECK:         %[[L:.*]] = linalg.generic {indexing_maps = [#[[$LHS]], {{.*}}]
// CHECK:         } -> tensor<2x3x4x8xf32>
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[$RHS]], {{.*}}]
// CHECK:         } -> tensor<2x3x8x16xf32>
// CHECK:         %[[LF:.*]] = tensor.collapse_shape %[[L]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x8xf32> into tensor<6x4x8xf32>
// CHECK:         %[[RF:.*]] = tensor.collapse_shape %[[R]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x8x16xf32> into tensor<6x8x16xf32>
// CHECK:         %[[MM:.*]] = linalg.batch_matmul ins(%[[LF]], %[[RF]] : tensor<6x4x8xf32>, tensor<6x8x16xf32>) outs(%{{.*}} : tensor<6x4x16xf32>)
// CHECK:         tensor.expand_shape %[[MM]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 4, 16] : tensor<6x4x16xf32> into tensor<2x3x4x16xf32>
func.func @matmul_batch_broadcast(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x16xf32>) -> tensor<2x3x4x16xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x16xf32>) -> tensor<2x3x4x16xf32>
  return %0 : tensor<2x3x4x16xf32>
}

// -----

// A 2-D lhs against a dynamic batch: the batch size of the broadcast lhs is
// read from the rhs.
// CHECK-LABEL: func @matmul_2d_dynamic_batch(
// CHECK-SAME:    %[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<?x8x16xf32>)
// CHECK:         tensor.dim %[[B]], %{{.*}} : tensor<?x8x16xf32>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[N:.*]]) : tensor<?x4x8xf32>
// CHECK:         %[[L:.*]] = linalg.generic
// CHECK-SAME:        ins(%[[A]] : tensor<4x8xf32>) outs(%[[EMPTY]] : tensor<?x4x8xf32>)
// CHECK:         tensor.empty(%[[N]]) : tensor<?x4x16xf32>
// CHECK:         linalg.batch_matmul ins(%[[L]], %[[B]] : tensor<?x4x8xf32>, tensor<?x8x16xf32>) outs(%{{.*}} : tensor<?x4x16xf32>)
func.func @matmul_2d_dynamic_batch(%a: tensor<4x8xf32>, %b: tensor<?x8x16xf32>) -> tensor<?x4x16xf32> {
  %0 = kiln.matmul %a, %b : (tensor<4x8xf32>, tensor<?x8x16xf32>) -> tensor<?x4x16xf32>
  return %0 : tensor<?x4x16xf32>
}

// -----

// conv2d with groups = 1: zero padding, conv_2d_nchw_fchw with the strides,
// then the bias added per channel.
// CHECK-DAG:   #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[$BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
// CHECK-LABEL: func @conv2d(
// CHECK-SAME:    %[[X:.*]]: tensor<?x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK:         %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         } : tensor<?x3x8x8xf32> to tensor<?x3x10x10xf32>
// CHECK:         %[[N:.*]] = tensor.dim %[[PAD]], %{{.*}} : tensor<?x3x10x10xf32>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?x4x4x4xf32>
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<?x4x4x4xf32>)
// CHECK:         %[[CONV:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<?x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<?x4x4x4xf32>)
// CHECK:         %[[B3:.*]] = tensor.expand_shape %[[B]] {{\[\[}}0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[$ID]], #[[$BIAS]], #[[$ID]]]
// CHECK-SAME:        ins(%[[CONV]], %[[B3]] : tensor<?x4x4x4xf32>, tensor<4x1x1xf32>)
// CHECK:           arith.addf
func.func @conv2d(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  %0 = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  return %0 : tensor<?x4x4x4xf32>
}

// -----

// Dynamic spatial sizes are computed as (padded - span) / stride + 1.
// CHECK-LABEL: func @conv2d_dynamic_spatial(
// CHECK-SAME:    %[[X:.*]]: tensor<1x3x?x?xf32>
// CHECK:         %[[H:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<1x3x?x?xf32>
// CHECK:         %[[SPAN:.*]] = arith.constant 5 : index
// CHECK:         %[[STRIDE:.*]] = arith.constant 2 : index
// CHECK:         %[[REST:.*]] = arith.subi %[[H]], %[[SPAN]] : index
// CHECK:         %[[Q:.*]] = arith.divui %[[REST]], %[[STRIDE]] : index
// CHECK:         %[[OH:.*]] = arith.addi %[[Q]], %{{.*}} : index
// CHECK:         tensor.empty(%[[OH]], %{{.*}}) : tensor<1x4x?x?xf32>
// CHECK:         linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
func.func @conv2d_dynamic_spatial(%x: tensor<1x3x?x?xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x?x?xf32> {
  %0 = kiln.conv2d %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x3x?x?xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x?x?xf32>
  return %0 : tensor<1x4x?x?xf32>
}

// -----

// Depthwise (groups = C = F, one channel per filter): the filter drops its
// unit dimension for depthwise_conv_2d_nchw_chw.
// CHECK-LABEL: func @conv2d_depthwise(
// CHECK-SAME:    %[[X:.*]]: tensor<1x8x8x8xf32>, %[[W:.*]]: tensor<8x1x3x3xf32>)
// CHECK:         %[[F:.*]] = tensor.collapse_shape %[[W]] {{\[\[}}0, 1], [2], [3]] : tensor<8x1x3x3xf32> into tensor<8x3x3xf32>
// CHECK:         linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%[[X]], %[[F]] : tensor<1x8x8x8xf32>, tensor<8x3x3xf32>) outs(%{{.*}} : tensor<1x8x6x6xf32>)
// CHECK-NOT:     linalg.conv_2d
func.func @conv2d_depthwise(%x: tensor<1x8x8x8xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32> {
  %0 = kiln.conv2d %x, %w {groups = 8 : i64} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

// Grouped: input, filter and init are split into [G, ...] for
// conv_2d_ngchw_gfchw and the result is collapsed back.
// CHECK-LABEL: func @conv2d_grouped(
// CHECK-SAME:    %[[X:.*]]: tensor<1x8x8x8xf32>, %[[W:.*]]: tensor<6x4x3x3xf32>)
// CHECK:         %[[INIT:.*]] = linalg.fill
// CHECK:         %[[GX:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 4, 8, 8] : tensor<1x8x8x8xf32> into tensor<1x2x4x8x8xf32>
// CHECK:         %[[GW:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 4, 3, 3] : tensor<6x4x3x3xf32> into tensor<2x3x4x3x3xf32>
// CHECK:         %[[GI:.*]] = tensor.expand_shape %[[INIT]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 3, 6, 6] : tensor<1x6x6x6xf32> into tensor<1x2x3x6x6xf32>
// CHECK:         %[[G:.*]] = linalg.conv_2d_ngchw_gfchw {{.*}} ins(%[[GX]], %[[GW]] : tensor<1x2x4x8x8xf32>, tensor<2x3x4x3x3xf32>) outs(%[[GI]] : tensor<1x2x3x6x6xf32>)
// CHECK:         %[[R:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x6x6xf32> into tensor<1x6x6x6xf32>
// CHECK:         return %[[R]]
func.func @conv2d_grouped(%x: tensor<1x8x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  %0 = kiln.conv2d %x, %w {groups = 2 : i64} : (tensor<1x8x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// A dynamic channel count is cast to groups x C' before it is split.
// CHECK-LABEL: func @conv2d_grouped_dynamic_channels(
// CHECK-SAME:    %[[X:.*]]: tensor<1x?x8x8xf32>
// CHECK:         %[[C:.*]] = tensor.cast %[[X]] : tensor<1x?x8x8xf32> to tensor<1x8x8x8xf32>
// CHECK:         tensor.expand_shape %[[C]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 4, 8, 8] : tensor<1x8x8x8xf32> into tensor<1x2x4x8x8xf32>
// CHECK:         linalg.conv_2d_ngchw_gfchw
func.func @conv2d_grouped_dynamic_channels(%x: tensor<1x?x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  %0 = kiln.conv2d %x, %w {groups = 2 : i64} : (tensor<1x?x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}
// -----

// Max pooling pads with -inf and starts from -inf.
// CHECK-LABEL: func @max_pool(
// CHECK:         %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:         %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:           tensor.yield %[[NEG_INF]] : f32
// CHECK:         %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x4x4x4xf32>)
// CHECK:         linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %[[WIN]] : tensor<1x4x10x10xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x4x4x4xf32>)
func.func @max_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %0 = kiln.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Average pooling without padding divides window sums by the kernel area.
// CHECK-LABEL: func @avg_pool(
// CHECK:         %[[SUM:.*]] = linalg.pooling_nchw_sum {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%{{.*}} : tensor<1x4x4x4xf32>)
// CHECK:         %[[AREA:.*]] = arith.constant dense<4.000000e+00> : tensor<f32>
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[SUM]], %[[AREA]] : tensor<1x4x4x4xf32>, tensor<f32>)
// CHECK:           arith.divf
func.func @avg_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Average pooling that excludes padding divides by a sum-pool of padded
// ones: the number of real elements in each window.
// CHECK-LABEL: func @avg_pool_exclude_pad(
// CHECK:         %[[SUM:.*]] = linalg.pooling_nchw_sum {{.*}} outs(%{{.*}} : tensor<1x4x4x4xf32>)
// CHECK:         %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:         %[[ONES:.*]] = linalg.fill ins(%[[ONE]] : f32) outs(%{{.*}} : tensor<1x1x8x8xf32>)
// CHECK:         %[[PONES:.*]] = tensor.pad %[[ONES]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         %[[COUNT:.*]] = linalg.pooling_nchw_sum {{.*}} ins(%[[PONES]], %{{.*}} : tensor<1x1x10x10xf32>, tensor<3x3xf32>) outs(%{{.*}} : tensor<1x1x4x4xf32>)
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[SUM]], %[[COUNT]] : tensor<1x4x4x4xf32>, tensor<1x1x4x4xf32>)
// CHECK:           arith.divf
func.func @avg_pool_exclude_pad(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// reduce_sum with keepdims: linalg.reduce, then the unit dimension comes
// back through a reshape.
// CHECK-LABEL: func @reduce_sum_keepdims(
// CHECK-SAME:    %[[X:.*]]: tensor<4x?x8xf32>)
// CHECK:         %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<4x?x8xf32>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[D]]) : tensor<4x?xf32>
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<4x?xf32>)
// CHECK:         %[[RED:.*]] = linalg.reduce ins(%[[X]] : tensor<4x?x8xf32>) outs(%[[INIT]] : tensor<4x?xf32>) dimensions = [2]
// CHECK:             arith.addf
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %[[RED]]
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1, 2]] output_shape [4, %[[D]], 1] : tensor<?xf32> into tensor<4x?x1xf32>
// CHECK:         return %[[R]]
func.func @reduce_sum_keepdims(%x: tensor<4x?x8xf32>) -> tensor<4x?x1xf32> {
  %0 = kiln.reduce_sum %x {axes = array<i64: -1>} : tensor<4x?x8xf32> -> tensor<4x?x1xf32>
  return %0 : tensor<4x?x1xf32>
}

// -----

// reduce_mean divides the sums by the number of reduced elements.
// CHECK-LABEL: func @reduce_mean(
// CHECK:         %[[RED:.*]] = linalg.reduce ins(%{{.*}} : tensor<4x?x8xf32>) outs(%{{.*}} : tensor<?xf32>) dimensions = [0, 2]
// CHECK:         %[[NI:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK:         %[[NF:.*]] = arith.sitofp %[[NI]] : i64 to f32
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[RED]] : tensor<?xf32>)
// CHECK:           arith.divf %{{.*}}, %[[NF]] : f32
func.func @reduce_mean(%x: tensor<4x?x8xf32>) -> tensor<?xf32> {
  %0 = kiln.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<4x?x8xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// reduce_max starts from -inf and takes arith.maximumf; an integer
// reduce_min starts from the largest value and takes arith.minsi.
// CHECK-LABEL: func @reduce_max_min(
// CHECK:         arith.constant 0xFF800000 : f32
// CHECK:         linalg.reduce
// CHECK:           arith.maximumf
// CHECK:         arith.constant 2147483647 : i32
// CHECK:         linalg.reduce
// CHECK:           arith.minsi
func.func @reduce_max_min(%x: tensor<4x8xf32>, %i: tensor<4x8xi32>) -> (tensor<4xf32>, tensor<1x1xi32>) {
  %0 = kiln.reduce_max %x {axes = array<i64: 1>, keepdims = false} : tensor<4x8xf32> -> tensor<4xf32>
  %1 = kiln.reduce_min %i : tensor<4x8xi32> -> tensor<1x1xi32>
  return %0, %1 : tensor<4xf32>, tensor<1x1xi32>
}

// -----

// argmax: one linalg.generic with a value and an index output; the first
// element wins ties.
// CHECK-DAG:   #[[$IN:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[$OUT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @argmax(
// CHECK:         %[[VALS:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4xf32>)
// CHECK:         %[[IDXS:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<4xi64>)
// CHECK:         %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[$IN]], #[[$OUT]], #[[$OUT]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME:        ins(%{{.*}} : tensor<4x10xf32>) outs(%[[VALS]], %[[IDXS]] : tensor<4xf32>, tensor<4xi64>)
// CHECK:           %[[I:.*]] = linalg.index 1 : index
// CHECK:           arith.cmpf ogt
// CHECK:           linalg.yield %{{.*}}, %{{.*}} : f32, i64
// CHECK:         return %[[R]]#1
func.func @argmax(%x: tensor<4x10xf32>) -> tensor<4xi64> {
  %0 = kiln.argmax %x {axis = 1 : i64, keepdims = false} : tensor<4x10xf32> -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// argmin compares with olt.
// CHECK-LABEL: func @argmin(
// CHECK:         linalg.generic
// CHECK:           arith.cmpf olt
func.func @argmin(%x: tensor<4x10xf32>) -> tensor<1x10xi64> {
  %0 = kiln.argmin %x : tensor<4x10xf32> -> tensor<1x10xi64>
  return %0 : tensor<1x10xi64>
}

// -----

// transpose is a linalg.transpose into an init of the permuted sizes.
// CHECK-LABEL: func @transpose(
// CHECK-SAME:    %[[X:.*]]: tensor<2x?x4xf32>)
// CHECK:         %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?x4xf32>
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[D]]) : tensor<4x2x?xf32>
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[X]] : tensor<2x?x4xf32>) outs(%[[INIT]] : tensor<4x2x?xf32>) permutation = [2, 0, 1]
// CHECK:         return %[[T]]
func.func @transpose(%x: tensor<2x?x4xf32>) -> tensor<4x2x?xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x?x4xf32> -> tensor<4x2x?xf32>
  return %0 : tensor<4x2x?xf32>
}

// -----

// concat inserts each input at its running offset along the axis.
// CHECK-LABEL: func @concat(
// CHECK-SAME:    %[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x?xf32>)
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<2x?xf32>
// CHECK:         %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[EMPTY]][0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x?xf32>
// CHECK:         %[[OFF:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:         %[[I1:.*]] = tensor.insert_slice %[[B]] into %[[I0]][0, %[[OFF]]] [2, %{{.*}}] [1, 1] : tensor<2x?xf32> into tensor<2x?xf32>
// CHECK:         return %[[I1]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// -----

// A slice with positive steps is a tensor.extract_slice (ONNX clamping done
// at compile time for static dimensions).
// CHECK-LABEL: func @slice(
// CHECK-SAME:    %[[X:.*]]: tensor<4x10xf32>)
// CHECK:         %[[S:.*]] = tensor.extract_slice %[[X]][0, 1] [4, 4] [1, 2] : tensor<4x10xf32> to tensor<4x4xf32>
// CHECK:         return %[[S]]
func.func @slice(%x: tensor<4x10xf32>) -> tensor<4x4xf32> {
  %0 = kiln.slice %x {starts = array<i64: 1>, ends = array<i64: -1>, axes = array<i64: 1>, steps = array<i64: 2>} : tensor<4x10xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// On a dynamic dimension the clamped start and count are computed at run
// time.
// CHECK-LABEL: func @slice_dynamic(
// CHECK-SAME:    %[[X:.*]]: tensor<?x10xf32>)
// CHECK:         tensor.dim %[[X]], %{{.*}} : tensor<?x10xf32>
// CHECK:         %[[LO:.*]] = arith.maxsi
// CHECK:         %[[START:.*]] = arith.minsi %[[LO]], %{{.*}} : index
// CHECK:         arith.subi %{{.*}}, %[[START]] : index
// CHECK:         arith.divsi
// CHECK:         %[[COUNT:.*]] = arith.maxsi
// CHECK:         %[[S:.*]] = tensor.extract_slice %[[X]][%[[START]], 0] [%[[COUNT]], 10] [1, 1] : tensor<?x10xf32> to tensor<?x10xf32>
// CHECK:         return %[[S]]
func.func @slice_dynamic(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = kiln.slice %x {starts = array<i64: 1>, ends = array<i64: -1>} : tensor<?x10xf32> -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// A negative step reads input[start + i * step] with tensor.extract.
// CHECK-LABEL: func @slice_negative_step(
// CHECK-SAME:    %[[X:.*]]: tensor<4x10xf32>)
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<4x5xf32>)
// CHECK:           %[[J:.*]] = linalg.index 1 : index
// CHECK:           %[[START:.*]] = arith.constant 9 : index
// CHECK:           %[[STEP:.*]] = arith.constant -2 : index
// CHECK:           %[[MUL:.*]] = arith.muli %[[J]], %[[STEP]] : index
// CHECK:           %[[COL:.*]] = arith.addi %[[START]], %[[MUL]] : index
// CHECK:           %[[E:.*]] = tensor.extract %[[X]][%{{.*}}, %[[COL]]] : tensor<4x10xf32>
// CHECK:           linalg.yield %[[E]] : f32
func.func @slice_negative_step(%x: tensor<4x10xf32>) -> tensor<4x5xf32> {
  %0 = kiln.slice %x {starts = array<i64: -1>, ends = array<i64: -11>, axes = array<i64: 1>, steps = array<i64: -2>} : tensor<4x10xf32> -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// gather: the indices are read through the generic's input map and
// negative ones wrap around the axis size.
// CHECK-DAG:   #[[$IDX:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @gather(
// CHECK-SAME:    %[[T:.*]]: tensor<100x8xf32>, %[[I:.*]]: tensor<?x3xi64>)
// CHECK:         %[[AXIS:.*]] = tensor.dim %[[T]], %{{.*}} : tensor<100x8xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[$IDX]], {{.*}}]
// CHECK-SAME:        ins(%[[I]] : tensor<?x3xi64>) outs(%{{.*}} : tensor<?x3x8xf32>)
// CHECK:         ^bb0(%[[IN:.*]]: i64, %{{.*}}: f32):
// CHECK:           %[[IX:.*]] = arith.index_cast %[[IN]] : i64 to index
// CHECK:           %[[NEG:.*]] = arith.cmpi slt, %[[IX]], %{{.*}} : index
// CHECK:           %[[WRAP:.*]] = arith.addi %[[IX]], %[[AXIS]] : index
// CHECK:           %[[ROW:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[IX]] : index
// CHECK:           %[[COL:.*]] = linalg.index 2 : index
// CHECK:           tensor.extract %[[T]][%[[ROW]], %[[COL]]] : tensor<100x8xf32>
func.func @gather(%t: tensor<100x8xf32>, %i: tensor<?x3xi64>) -> tensor<?x3x8xf32> {
  %0 = kiln.gather %t, %i : (tensor<100x8xf32>, tensor<?x3xi64>) -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

// gather_elements reads data at the index along the axis and at the
// element's own position elsewhere.
// CHECK-LABEL: func @gather_elements(
// CHECK-SAME:    %[[X:.*]]: tensor<4x10xf32>, %[[I:.*]]: tensor<4x1xi64>)
// CHECK:         %[[AXIS:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<4x10xf32>
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[I]] : tensor<4x1xi64>) outs(%{{.*}} : tensor<4x1xf32>)
// CHECK:           %[[IX:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:           %[[WRAP:.*]] = arith.addi %[[IX]], %[[AXIS]] : index
// CHECK:           %[[COL:.*]] = arith.select %{{.*}}, %[[WRAP]], %[[IX]] : index
// CHECK:           %[[ROW:.*]] = linalg.index 0 : index
// CHECK:           tensor.extract %[[X]][%[[ROW]], %[[COL]]] : tensor<4x10xf32>
func.func @gather_elements(%x: tensor<4x10xf32>, %i: tensor<4x1xi64>) -> tensor<4x1xf32> {
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<4x10xf32>, tensor<4x1xi64>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}
// -----

// Constant padding is a tensor.pad with the value.
// CHECK-LABEL: func @pad_constant(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[V:.*]] = arith.constant 1.500000e+00 : f32
// CHECK:         %[[P:.*]] = tensor.pad %[[X]] low[0, 1] high[0, 2]
// CHECK:           tensor.yield %[[V]] : f32
// CHECK:         } : tensor<2x3xf32> to tensor<2x6xf32>
// CHECK:         return %[[P]]
func.func @pad_constant(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  %0 = kiln.pad %x {pads = array<i64: 0, 1, 0, 2>, value = 1.5 : f64} : tensor<2x3xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// Reflect padding mirrors the coordinate: min(|j|, 2 * last - |j|).
// CHECK-LABEL: func @pad_reflect(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT:     tensor.pad
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<4x5xf32>)
// CHECK:           %[[I:.*]] = linalg.index 0 : index
// CHECK:           %[[J:.*]] = arith.subi %[[I]], %{{.*}} : index
// CHECK:           %[[NJ:.*]] = arith.subi %{{.*}}, %[[J]] : index
// CHECK:           %[[ABS:.*]] = arith.maxsi %[[J]], %[[NJ]] : index
// CHECK:           %[[MIRROR:.*]] = arith.subi %{{.*}}, %[[ABS]] : index
// CHECK:           %[[ROW:.*]] = arith.minsi %[[ABS]], %[[MIRROR]] : index
// CHECK:           tensor.extract %[[X]][%[[ROW]], %{{.*}}] : tensor<2x3xf32>
func.func @pad_reflect(%x: tensor<2x3xf32>) -> tensor<4x5xf32> {
  %0 = kiln.pad %x {pads = array<i64: 1, 2, 1, 0>, mode = "reflect"} : tensor<2x3xf32> -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Edge padding clamps the coordinate into [0, size - 1]; a dynamic result
// size is the input size plus the pads.
// CHECK-LABEL: func @pad_edge(
// CHECK-SAME:    %[[X:.*]]: tensor<?x3xi32>)
// CHECK:         %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3xi32>
// CHECK:         %[[PADS:.*]] = arith.constant 3 : index
// CHECK:         %[[SIZE:.*]] = arith.addi %[[D]], %[[PADS]] : index
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[SIZE]]) : tensor<?x5xi32>
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%[[INIT]] : tensor<?x5xi32>)
// CHECK:           %[[LAST:.*]] = arith.subi %[[D]], %{{.*}} : index
// CHECK:           %[[I:.*]] = linalg.index 0 : index
// CHECK:           %[[J:.*]] = arith.subi %[[I]], %{{.*}} : index
// CHECK:           %[[LO:.*]] = arith.maxsi %[[J]], %{{.*}} : index
// CHECK:           %[[ROW:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK:           tensor.extract %[[X]][%[[ROW]], %{{.*}}] : tensor<?x3xi32>
func.func @pad_edge(%x: tensor<?x3xi32>) -> tensor<?x5xi32> {
  %0 = kiln.pad %x {pads = array<i64: 1, 1, 2, 1>, mode = "edge"} : tensor<?x3xi32> -> tensor<?x5xi32>
  return %0 : tensor<?x5xi32>
}

// -----

// A static reshape goes through the shape both shapes split into: a
// collapse, an expansion, or an expansion then a collapse.
// CHECK-LABEL: func @reshape(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[R:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK:         return %[[R]]
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = kiln.reshape %x {shape = array<i64: 6, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

// Attention's head split: [seq, batch, heads * 32] -> [seq, batch * heads,
// 32] through [seq, batch, heads, 32].
// CHECK-LABEL: func @reshape_refined(
// CHECK-SAME:    %[[X:.*]]: tensor<128x8x256xf32>)
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1], [2, 3]] output_shape [128, 8, 8, 32] : tensor<128x8x256xf32> into tensor<128x8x8x32xf32>
// CHECK:         %[[R:.*]] = tensor.collapse_shape %[[E]] {{\[\[}}0], [1, 2], [3]] : tensor<128x8x8x32xf32> into tensor<128x64x32xf32>
// CHECK:         return %[[R]]
func.func @reshape_refined(%x: tensor<128x8x256xf32>) -> tensor<128x64x32xf32> {
  %0 = kiln.reshape %x {shape = array<i64: 128, 64, 32>} : tensor<128x8x256xf32> -> tensor<128x64x32xf32>
  return %0 : tensor<128x64x32xf32>
}

// -----

// Shapes that split into no common one ([6, 4] and [4, 6]) go through 1-D.
// CHECK-LABEL: func @reshape_through_flat(
// CHECK-SAME:    %[[X:.*]]: tensor<6x4xf32>)
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<6x4xf32> into tensor<24xf32>
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK:         return %[[R]]
func.func @reshape_through_flat(%x: tensor<6x4xf32>) -> tensor<4x6xf32> {
  %0 = kiln.reshape %x {shape = array<i64: 4, 6>} : tensor<6x4xf32> -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// A 0 entry copies the input's dynamic size.
// CHECK-LABEL: func @reshape_copy_dynamic(
// CHECK-SAME:    %[[X:.*]]: tensor<?x64x7x7xf32>)
// CHECK:         %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x64x7x7xf32>
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2, 3]] : tensor<?x64x7x7xf32> into tensor<?xf32>
// CHECK:         tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [%[[N]], 3136] : tensor<?xf32> into tensor<?x3136xf32>
func.func @reshape_copy_dynamic(%x: tensor<?x64x7x7xf32>) -> tensor<?x3136xf32> {
  %0 = kiln.reshape %x {shape = array<i64: 0, -1>} : tensor<?x64x7x7xf32> -> tensor<?x3136xf32>
  return %0 : tensor<?x3136xf32>
}

// -----

// A dynamic -1 entry is the element count divided by the known sizes.
// CHECK-LABEL: func @reshape_infer_dynamic(
// CHECK:         %[[REST:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [8, %[[REST]]] : tensor<?xf32> into tensor<8x?xf32>
func.func @reshape_infer_dynamic(%x: tensor<2x?x4xf32>) -> tensor<8x?xf32> {
  %0 = kiln.reshape %x {shape = array<i64: 8, -1>} : tensor<2x?x4xf32> -> tensor<8x?xf32>
  return %0 : tensor<8x?xf32>
}

// -----

// squeeze, unsqueeze and flatten lower as reshapes; a rank-1 input expands
// directly.
// CHECK-LABEL: func @reshape_like(
// CHECK-SAME:    %[[X:.*]]: tensor<4x1x3xf32>, %[[V:.*]]: tensor<?xf32>, %[[Y:.*]]: tensor<?x8x2xf32>)
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [4, 3] : tensor<12xf32> into tensor<4x3xf32>
// CHECK:         %[[D:.*]] = tensor.dim %[[V]], %{{.*}} : tensor<?xf32>
// CHECK-NEXT:    tensor.expand_shape %[[V]] {{\[\[}}0, 1]] output_shape [1, %[[D]]] : tensor<?xf32> into tensor<1x?xf32>
// CHECK:         tensor.collapse_shape %[[Y]] {{\[\[}}0, 1, 2]] : tensor<?x8x2xf32> into tensor<?xf32>
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [%{{.*}}, 16] : tensor<?xf32> into tensor<?x16xf32>
func.func @reshape_like(%x: tensor<4x1x3xf32>, %v: tensor<?xf32>, %y: tensor<?x8x2xf32>) -> (tensor<4x3xf32>, tensor<1x?xf32>, tensor<?x16xf32>) {
  %0 = kiln.squeeze %x {axes = array<i64: 1>} : tensor<4x1x3xf32> -> tensor<4x3xf32>
  %1 = kiln.unsqueeze %v {axes = array<i64: 0>} : tensor<?xf32> -> tensor<1x?xf32>
  %2 = kiln.flatten %y : tensor<?x8x2xf32> -> tensor<?x16xf32>
  return %0, %1, %2 : tensor<4x3xf32>, tensor<1x?xf32>, tensor<?x16xf32>
}

// -----

// 0-D tensors reshape through a 1-element 1-D tensor.
// CHECK-LABEL: func @reshape_scalar(
// CHECK-SAME:    %[[X:.*]]: tensor<f32>, %[[Y:.*]]: tensor<1x1xf32>)
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[X]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK:         tensor.expand_shape %[[E]] {{\[\[}}0, 1]] output_shape [1, 1] : tensor<1xf32> into tensor<1x1xf32>
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[Y]] {{\[\[}}0, 1]] : tensor<1x1xf32> into tensor<1xf32>
// CHECK:         tensor.collapse_shape %[[C]] [] : tensor<1xf32> into tensor<f32>
func.func @reshape_scalar(%x: tensor<f32>, %y: tensor<1x1xf32>) -> (tensor<1x1xf32>, tensor<f32>) {
  %0 = kiln.reshape %x {shape = array<i64: 1, 1>} : tensor<f32> -> tensor<1x1xf32>
  %1 = kiln.reshape %y {shape = array<i64>} : tensor<1x1xf32> -> tensor<f32>
  return %0, %1 : tensor<1x1xf32>, tensor<f32>
}

// -----

// gemm has no direct lowering (kiln-decompose rewrites it first): the
// conversion reports it.
func.func @gemm_not_decomposed(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{failed to legalize operation 'kiln.gemm' that was explicitly marked illegal}}
  %0 = kiln.gemm %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
