// RUN: kiln-opt %s -split-input-file -kiln-conv-to-im2col=vector-width=4 | FileCheck %s --check-prefix=REWRITE
// RUN: kiln-opt %s -split-input-file -kiln-conv-to-im2col=vector-width=16 -kiln-fuse -kiln-select-schedules=target=x86_64-avx512 -kiln-tile-and-vectorize | FileCheck %s --check-prefix=CODEGEN

// A static convolution whose filters are a multiple of the vector width is a
// window contraction outP[n, oh, ow, fo, fi] += in[n, c, oh*s + kh*d,
// ow*s + kw*d] * panels[fo, kh, kw, c, fi] over panels of filters (here one
// of 4): the constant filter is laid out in panels at compile time, the
// zero init is a fill of the new shape, and the result is collapsed and
// transposed back to NCHW.
// REWRITE-DAG:   #[[WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d7, d1 * 2 + d5, d2 * 2 + d6 * 3)>
// REWRITE-DAG:   #[[FILT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d5, d6, d7, d4)>
// REWRITE-DAG:   #[[OUTMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// REWRITE-LABEL: func @window(
// REWRITE:         %[[WT:.+]] = arith.constant dense<{{\[\[\[\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00]], {{\[\[}}2.000000e+00, 4.000000e+00, 6.000000e+00, 8.000000e+00]]]]]> : tensor<1x1x2x1x4xf32>
// REWRITE:         %[[INIT:.+]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x4x1x4xf32>)
// REWRITE:         %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[WIN]], #[[FILT]], #[[OUTMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.*}}, %[[WT]] : tensor<1x1x5x10xf32>, tensor<1x1x2x1x4xf32>) outs(%[[INIT]] : tensor<1x2x4x1x4xf32>)
// REWRITE-NOT:     linalg.conv_2d_nchw_fchw
// REWRITE:         %[[NHWC:.+]] = tensor.collapse_shape %[[OUT]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x2x4x1x4xf32> into tensor<1x2x4x4xf32>
// REWRITE:         linalg.transpose ins(%[[NHWC]] : tensor<1x2x4x4xf32>) outs(%{{.*}} : tensor<1x4x2x4xf32>) permutation = [0, 3, 1, 2]
func.func @window(%x: tensor<1x1x5x10xf32>) -> tensor<1x4x2x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]], [[[7.0, 8.0]]]]> : tensor<4x1x1x2xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x4x2x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x2x4xf32>) -> tensor<1x4x2x4xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<[1, 3]> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x1x5x10xf32>, tensor<4x1x1x2xf32>) outs(%init : tensor<1x4x2x4xf32>) -> tensor<1x4x2x4xf32>
  return %0 : tensor<1x4x2x4xf32>
}

// -----

// The schedule's register tile is 4 output pixels x 32 filters (a panel of
// two vectors), summed one channel and one window offset at a time: the pixels
// of one window offset are a stride-2 view of an input row, broadcast
// against a row of filters (no im2col). The transpose back to NCHW reads
// 16 filters x 4 pixels at a time and transposes them in registers.
// CODEGEN-LABEL: func @window_register_tile(
// CODEGEN:         scf.for
// CODEGEN:           tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 1, 1, 4] [1, 1, 1, 2] : tensor<1x1x1x7xf32> to tensor<1x4xf32>
// CODEGEN:           arith.mulf %{{.*}}, %{{.*}} : vector<4x32x1xf32>
// CODEGEN:         vector.transfer_read {{.*}} : tensor<1x1x4x16xf32>, vector<1x1x4x16xf32>
// CODEGEN:         vector.transpose %{{.*}}, [0, 3, 1, 2] : vector<1x1x4x16xf32> to vector<1x16x1x4xf32>
func.func @window_register_tile(%x: tensor<1x32x10x10xf32>, %init: tensor<1x32x4x4xf32>) -> tensor<1x32x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<32x32x3x3xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x32x10x10xf32>, tensor<32x32x3x3xf32>) outs(%init : tensor<1x32x4x4xf32>) -> tensor<1x32x4x4xf32>
  return %0 : tensor<1x32x4x4xf32>
}

// -----

// Filters a multiple of half a vector but not of a vector (6 with vectors
// of 4, like 24 with 16 on AVX-512): panels of half a vector.
// REWRITE-LABEL: func @half_vector_panels(
// REWRITE:         linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x3x3x3x2xf32>)
// REWRITE:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x5x5xf32>, tensor<3x3x3x2x2xf32>) outs(%{{.*}} : tensor<1x3x3x3x2xf32>)
// REWRITE-NOT:     linalg.conv_2d_nchw_fchw
// REWRITE:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x3x3x3x2xf32> into tensor<1x3x3x6xf32>
func.func @half_vector_panels(%x: tensor<1x2x5x5xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x6x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x6x3x3xf32>) -> tensor<1x6x3x3xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x5x5xf32>, tensor<6x2x3x3xf32>) outs(%init : tensor<1x6x3x3xf32>) -> tensor<1x6x3x3xf32>
  return %0 : tensor<1x6x3x3xf32>
}
