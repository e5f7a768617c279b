// RUN: kiln-opt %s -split-input-file -kiln-conv-to-im2col=vector-width=4 -canonicalize -kiln-sink-layout-changes -canonicalize | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-conv-to-im2col=vector-width=4 -canonicalize | FileCheck %s --check-prefix=BEFORE

// Two convolutions with a bias, a ReLU and a pad between them. Each window
// contraction computes channels-last in filter panels ([1, 3, 5, 1, 4]
// here), collapses the panels and transposes back to NCHW; the first
// collapse and transpose move down through the epilogue, which takes the
// convolution's shape (and can fuse with it), and through the pad; the
// second convolution reads the channels-last activations through its input
// map. Only the transpose of the function's result stays.
// BEFORE-LABEL: func @conv_epilogue_pad_conv(
// BEFORE-COUNT-2: linalg.transpose
// CHECK-DAG:   #[[NHWC_WINDOW:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5, d2 + d6, d7)>
// CHECK-DAG:   #[[PANEL_BIAS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>
// CHECK-LABEL: func @conv_epilogue_pad_conv(
// CHECK:         %[[FIRST:.+]] = linalg.generic
// CHECK-SAME:      outs(%{{.*}} : tensor<1x3x5x1x4xf32>)
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[BIAS:.+]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
// CHECK:         %[[RELU:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[PANEL_BIAS]], #{{.+}}]
// CHECK-SAME:      ins(%[[FIRST]], %[[BIAS]] : tensor<1x3x5x1x4xf32>, tensor<1x4xf32>) outs(%{{.*}} : tensor<1x3x5x1x4xf32>)
// CHECK:         %[[PADDED:.+]] = tensor.pad %[[RELU]] low[0, 1, 1, 0, 0] high[0, 1, 1, 0, 0]
// CHECK:         tensor<1x3x5x1x4xf32> to tensor<1x5x7x1x4xf32>
// CHECK:         %[[NHWC:.+]] = tensor.collapse_shape %[[PADDED]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x5x7x1x4xf32> into tensor<1x5x7x4xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[NHWC_WINDOW]],
// CHECK-SAME:      ins(%[[NHWC]], %{{.*}} : tensor<1x5x7x4xf32>,
// CHECK:         linalg.transpose {{.*}} permutation = [0, 3, 1, 2]
// CHECK-NOT:     linalg.transpose
// CHECK:         return
func.func @conv_epilogue_pad_conv(%x: tensor<1x2x3x5xf32>, %w1: tensor<4x2x1x1xf32>, %bias: tensor<4xf32>, %w2: tensor<4x4x3x3xf32>) -> tensor<1x4x3x5xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x4x3x5xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x3x5xf32>) -> tensor<1x4x3x5xf32>
  %conv1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w1 : tensor<1x2x3x5xf32>, tensor<4x2x1x1xf32>) outs(%init : tensor<1x4x3x5xf32>) -> tensor<1x4x3x5xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv1, %bias : tensor<1x4x3x5xf32>, tensor<4xf32>) outs(%empty : tensor<1x4x3x5xf32>) {
  ^bb0(%v: f32, %b: f32, %out: f32):
    %sum = arith.addf %v, %b : f32
    %max = arith.maximumf %sum, %zero : f32
    linalg.yield %max : f32
  } -> tensor<1x4x3x5xf32>
  %padded = tensor.pad %relu low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x3x5xf32> to tensor<1x4x5x7xf32>
  %conv2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w2 : tensor<1x4x5x7xf32>, tensor<4x4x3x3xf32>) outs(%init : tensor<1x4x3x5xf32>) -> tensor<1x4x3x5xf32>
  return %conv2 : tensor<1x4x3x5xf32>
}

// -----

// A depthwise convolution after a convolution: its taps, strided slices of
// the padded activations, are taken in the convolution's layout too, and it
// runs along the filter panels (its filter columns [kh, kw, C] contiguous,
// seen as panels) from zero: its init is never filled.
// CHECK-LABEL: func @conv_then_depthwise(
// CHECK:         tensor.pad %{{.*}} low[0, 1, 1, 0, 0] high[0, 1, 1, 0, 0]
// CHECK-COUNT-9: tensor.extract_slice %{{.*}} [1, 2, 3, 1, 4] [1, 2, 2, 1, 1] : tensor<1x5x7x1x4xf32> to tensor<1x2x3x1x4xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      outs(%{{.*}} : tensor<1x2x3x1x4xf32>)
// CHECK:         linalg.transpose {{.*}} permutation = [0, 3, 1, 2]
// CHECK-NOT:     linalg.transpose
// CHECK:         return
func.func @conv_then_depthwise(%x: tensor<1x2x3x5xf32>, %w1: tensor<4x2x1x1xf32>, %dw: tensor<4x3x3xf32>) -> tensor<1x4x2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x4x3x5xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x3x5xf32>) -> tensor<1x4x3x5xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w1 : tensor<1x2x3x5xf32>, tensor<4x2x1x1xf32>) outs(%init : tensor<1x4x3x5xf32>) -> tensor<1x4x3x5xf32>
  %padded = tensor.pad %conv low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x3x5xf32> to tensor<1x4x5x7xf32>
  %dwempty = tensor.empty() : tensor<1x4x2x3xf32>
  %dwinit = linalg.fill ins(%zero : f32) outs(%dwempty : tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32>
  %depthwise = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%padded, %dw : tensor<1x4x5x7xf32>, tensor<4x3x3xf32>) outs(%dwinit : tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32>
  return %depthwise : tensor<1x4x2x3xf32>
}

// -----

// An elementwise op reading one transposed and one untransposed full-size
// input keeps its layout: sinking would only move the transpose to the
// other input.
// CHECK-LABEL: func @mixed_layouts_stay(
// CHECK:         %[[T:.+]] = linalg.transpose
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[T]], %{{.*}} : tensor<1x4x3x5xf32>, tensor<1x4x3x5xf32>)
func.func @mixed_layouts_stay(%x: tensor<1x3x5x4xf32>, %y: tensor<1x4x3x5xf32>) -> tensor<1x4x3x5xf32> {
  %empty = tensor.empty() : tensor<1x4x3x5xf32>
  %t = linalg.transpose ins(%x : tensor<1x3x5x4xf32>) outs(%empty : tensor<1x4x3x5xf32>) permutation = [0, 3, 1, 2]
  %sum = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%t, %y : tensor<1x4x3x5xf32>, tensor<1x4x3x5xf32>) outs(%empty : tensor<1x4x3x5xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x4x3x5xf32>
  return %sum : tensor<1x4x3x5xf32>
}

// -----

// A concatenation along channels of two convolutions' results (an
// inception block's branches, 4 + 8 filters) runs channels-last: each
// branch is inserted at its channel offset of an NHWC tensor, and one
// transpose of the whole moves on (here to the result).
// BEFORE-LABEL: func @concat_branches(
// BEFORE-COUNT-2: linalg.transpose
// CHECK-LABEL: func @concat_branches(
// CHECK:         %[[A:.+]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x3x5x1x4xf32> into tensor<1x3x5x4xf32>
// CHECK:         %[[B:.+]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x3x5x1x8xf32> into tensor<1x3x5x8xf32>
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<1x3x5x12xf32>
// CHECK:         %[[FIRST:.+]] = tensor.insert_slice %[[A]] into %[[EMPTY]][0, 0, 0, 0] [1, 3, 5, 4] [1, 1, 1, 1]
// CHECK:         %[[BOTH:.+]] = tensor.insert_slice %[[B]] into %[[FIRST]][0, 0, 0, 4] [1, 3, 5, 8] [1, 1, 1, 1]
// CHECK:         linalg.transpose ins(%[[BOTH]] : tensor<1x3x5x12xf32>) {{.*}} permutation = [0, 3, 1, 2]
// CHECK-NOT:     linalg.transpose
func.func @concat_branches(%x: tensor<1x2x3x5xf32>, %w1: tensor<4x2x1x1xf32>, %w2: tensor<8x2x1x1xf32>) -> tensor<1x12x3x5xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x4x3x5xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x4x3x5xf32>) -> tensor<1x4x3x5xf32>
  %c1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w1 : tensor<1x2x3x5xf32>, tensor<4x2x1x1xf32>) outs(%i1 : tensor<1x4x3x5xf32>) -> tensor<1x4x3x5xf32>
  %e2 = tensor.empty() : tensor<1x8x3x5xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x8x3x5xf32>) -> tensor<1x8x3x5xf32>
  %c2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w2 : tensor<1x2x3x5xf32>, tensor<8x2x1x1xf32>) outs(%i2 : tensor<1x8x3x5xf32>) -> tensor<1x8x3x5xf32>
  %empty = tensor.empty() : tensor<1x12x3x5xf32>
  %0 = tensor.insert_slice %c1 into %empty[0, 0, 0, 0] [1, 4, 3, 5] [1, 1, 1, 1] : tensor<1x4x3x5xf32> into tensor<1x12x3x5xf32>
  %1 = tensor.insert_slice %c2 into %0[0, 4, 0, 0] [1, 8, 3, 5] [1, 1, 1, 1] : tensor<1x8x3x5xf32> into tensor<1x12x3x5xf32>
  return %1 : tensor<1x12x3x5xf32>
}
