// RUN: kiln-opt %s -split-input-file -kiln-conv-to-im2col -kiln-tile-and-vectorize | FileCheck %s
// A 2-D convolution whose filters are not a multiple of half a vector (6
// here) becomes an im2col and a contraction, which vectorizes.
// CHECK-LABEL: func @conv(
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<6x3x3x3xf32> into tensor<6x27xf32>
// CHECK:         vector.multi_reduction <add>
// CHECK-NOT:     linalg.conv_2d_nchw_fchw
// CHECK:         tensor.expand_shape %{{.*}} : tensor<1x6x64xf32> into tensor<1x6x8x8xf32>
func.func @conv(%x: tensor<1x3x10x10xf32>, %w: tensor<6x3x3x3xf32>, %init: tensor<1x6x8x8xf32>) -> tensor<1x6x8x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x3x10x10xf32>, tensor<6x3x3x3xf32>) outs(%init : tensor<1x6x8x8xf32>) -> tensor<1x6x8x8xf32>
  return %0 : tensor<1x6x8x8xf32>
}

// -----

// A convolution with a dynamic batch is convolved one image at a time: the
// batch loop has static slices, so the im2col rewrite applies, and its
// matmul gets the register block (rows of F, columns of output pixels).
// CHECK-LABEL: func @conv_dynamic_batch(
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<?x4x6x6xf32>)
// CHECK:           tensor.extract_slice %{{.*}} : tensor<?x3x8x8xf32> to tensor<1x3x8x8xf32>
// CHECK:           linalg.generic {{.*}} ins(%{{.*}} : tensor<1x3x8x8xf32>) outs(%{{.*}} : tensor<1x27x36xf32>)
// CHECK:           tensor.extract_slice %{{.*}} : tensor<4x27xf32> to tensor<4x1xf32>
// CHECK-NOT:     linalg.conv_2d_nchw_fchw
func.func @conv_dynamic_batch(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %init: tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32>
  return %0 : tensor<?x4x6x6xf32>
}

// -----

// A depthwise 3x3 convolution becomes one elementwise op over the output
// with a strided window of the input and a filter column per tap.
// CHECK-LABEL: func @depthwise(
// CHECK-COUNT-9: tensor.extract_slice %{{.*}}[0, 0, {{[0-2]}}, {{[0-2]}}] [1, 8, 5, 5] [1, 1, 2, 2] : tensor<1x8x11x11xf32> to tensor<1x8x5x5xf32>
// CHECK-NOT:     linalg.depthwise_conv_2d_nchw_chw
// CHECK:         arith.mulf %{{.*}} : vector<1x1x1x{{[0-9]+}}xf32>
func.func @depthwise(%x: tensor<1x8x11x11xf32>, %w: tensor<8x3x3xf32>, %init: tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32> {
  %0 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x8x11x11xf32>, tensor<8x3x3xf32>) outs(%init : tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32>
  return %0 : tensor<1x8x5x5xf32>
}

// -----

// A depthwise convolution into a filled init starts from the fill value and
// writes into an empty tensor, so the init is never filled.
// CHECK-LABEL: func @depthwise_from_fill(
// CHECK:         %[[START:.+]] = arith.constant dense<5.000000e-01> : vector<1x1x1x5xf32>
// CHECK-NOT:     linalg.fill
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<1x8x5x5xf32>
// CHECK-NEXT:    scf.for %{{.*}} iter_args(%{{.*}} = %[[EMPTY]])
// CHECK:         arith.addf %{{.*}}, %[[START]] : vector<1x1x1x5xf32>
func.func @depthwise_from_fill(%x: tensor<1x8x11x11xf32>) -> tensor<1x8x5x5xf32> {
  %w = arith.constant dense<1.0> : tensor<8x3x3xf32>
  %half = arith.constant 0.5 : f32
  %empty = tensor.empty() : tensor<1x8x5x5xf32>
  %init = linalg.fill ins(%half : f32) outs(%empty : tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32>
  %0 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x8x11x11xf32>, tensor<8x3x3xf32>) outs(%init : tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32>
  return %0 : tensor<1x8x5x5xf32>
}

// -----

// A convolution with 32 filters (a multiple of the vector) and a dynamic
// batch: one image at a time, upstream's im2col, and the contraction runs
// along the filters (output computed as pixels x filters, transposed back),
// a register tile of all 7 pixels of a row.
// With static shapes such a convolution is a window contraction instead
// (kiln-conv-window.mlir).
// CHECK-LABEL: func @along_filters(
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<32x32x3x3xf32> into tensor<32x288xf32>
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<1x32x9x9xf32>) outs(%{{.*}} : tensor<1x288x49xf32>)
// CHECK:         arith.mulf %{{.*}} : vector<1x7x32x1xf32>
// CHECK:         tensor.expand_shape %{{.*}} : tensor<1x32x49xf32> into tensor<1x32x7x7xf32>
func.func @along_filters(%x: tensor<?x32x9x9xf32>, %w: tensor<32x32x3x3xf32>, %init: tensor<?x32x7x7xf32>) -> tensor<?x32x7x7xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x32x9x9xf32>, tensor<32x32x3x3xf32>) outs(%init : tensor<?x32x7x7xf32>) -> tensor<?x32x7x7xf32>
  return %0 : tensor<?x32x7x7xf32>
}

// -----

// A 3x3 stride-2 max pooling becomes one elementwise max over nine strided
// views of the input.
// CHECK-LABEL: func @max_pool(
// CHECK-COUNT-9: tensor.extract_slice %{{.*}} [1, 1, 2, 2] : tensor<1x4x9x9xf32> to tensor<1x4x4x4xf32>
// CHECK-NOT:     linalg.pooling_nchw_max
// CHECK:         arith.maximumf %{{.*}} : vector<1x1x1x4xf32>
func.func @max_pool(%x: tensor<1x4x9x9xf32>, %init: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %window = tensor.empty() : tensor<3x3xf32>
  %0 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %window : tensor<1x4x9x9xf32>, tensor<3x3xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}
