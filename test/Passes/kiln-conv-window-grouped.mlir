// RUN: kiln-opt %s -split-input-file -kiln-conv-to-im2col=vector-width=4 | FileCheck %s --check-prefix=REWRITE
// RUN: kiln-opt %s -split-input-file -kiln-conv-to-im2col -kiln-fuse -kiln-select-schedules=cost-model=heuristic | FileCheck %s --check-prefix=SCHEDULE
// RUN: kiln-opt %s -split-input-file -kiln-conv-to-im2col -kiln-fuse -kiln-select-schedules=cost-model=heuristic -kiln-tile-and-vectorize | FileCheck %s --check-prefix=CODEGEN

// A grouped convolution (2 groups of 2 channels and 4 filters) is a window
// contraction with a group loop: outP[n, oh, ow, g, fo, fi] += in[n, g * 2
// + c, oh + kh, ow + kw] * panels[g, fo, kh, kw, c, fi], groups outermost;
// the filter is laid out in panels at compile time and the result, in the
// panel layout of an ungrouped convolution, goes back to NCHW.
// REWRITE-DAG:   #[[WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d1 * 2 + d8, d2 + d6, d3 + d7)>
// REWRITE-DAG:   #[[FILT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d1, d4, d6, d7, d8, d5)>
// REWRITE-DAG:   #[[OUTMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d2, d3, d1, d4, d5)>
// REWRITE-LABEL: func @grouped(
// REWRITE:         linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x4x4x2x1x4xf32>)
// REWRITE:         %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[WIN]], #[[FILT]], #[[OUTMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<1x4x6x6xf32>, tensor<2x1x3x3x2x4xf32>) outs(%{{.*}} : tensor<1x4x4x2x1x4xf32>)
// REWRITE-NOT:     linalg.conv_2d_ngchw_gfchw
// REWRITE:         %[[NHWC:.+]] = tensor.collapse_shape %[[OUT]] {{\[\[}}0], [1], [2], [3, 4, 5]] : tensor<1x4x4x2x1x4xf32> into tensor<1x4x4x8xf32>
// REWRITE:         linalg.transpose ins(%[[NHWC]] : tensor<1x4x4x8xf32>) outs(%{{.*}} : tensor<1x8x4x4xf32>) permutation = [0, 3, 1, 2]
func.func @grouped(%x: tensor<1x2x2x6x6xf32>) -> tensor<1x2x4x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x4x2x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x2x4x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x2x4x4x4xf32>) -> tensor<1x2x4x4x4xf32>
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x2x6x6xf32>, tensor<2x4x2x3x3xf32>) outs(%init : tensor<1x2x4x4x4xf32>) -> tensor<1x2x4x4x4xf32>
  return %0 : tensor<1x2x4x4x4xf32>
}

// -----

// Groups of one filter (fewer than half a vector of 4) are convolved two at
// a time: one group of 2 channels and 2 filters whose filter is
// block-diagonal, laid out at compile time (zeros where a filter of one
// group meets a channel of the other).
// REWRITE-LABEL: func @blocked_groups(
// REWRITE:         %[[W:.+]] = arith.constant dense<{{\[\[\[\[\[\[}}3.000000e+00, 0.000000e+00], [0.000000e+00, 5.000000e+00]]]]]]> : tensor<1x1x1x1x2x2xf32>
// REWRITE:         linalg.generic {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x2x3x3xf32>, tensor<1x1x1x1x2x2xf32>) outs(%{{.*}} : tensor<1x3x3x1x1x2xf32>)
// REWRITE-NOT:     linalg.conv_2d_ngchw_gfchw
func.func @blocked_groups(%x: tensor<1x2x1x3x3xf32>, %init: tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32> {
  %w = arith.constant dense<[[[[[3.0]]]], [[[[5.0]]]]]> : tensor<2x1x1x1x1xf32>
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x1x3x3xf32>, tensor<2x1x1x1x1xf32>) outs(%init : tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32>
  return %0 : tensor<1x2x1x3x3xf32>
}

// -----

// Too few filters per group and a filter that is not a constant (no
// block-diagonal layout at compile time), or a dynamic batch: left as a
// direct convolution.
// REWRITE-LABEL: func @not_rewritten(
// REWRITE-COUNT-2: linalg.conv_2d_ngchw_gfchw
func.func @not_rewritten(%x: tensor<1x2x1x3x3xf32>, %w: tensor<2x1x1x1x1xf32>, %init: tensor<1x2x1x3x3xf32>,
                         %xd: tensor<?x2x2x6x6xf32>, %wd: tensor<2x4x2x3x3xf32>, %initd: tensor<?x2x4x4x4xf32>) -> (tensor<1x2x1x3x3xf32>, tensor<?x2x4x4x4xf32>) {
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x1x3x3xf32>, tensor<2x1x1x1x1xf32>) outs(%init : tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32>
  %1 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<?x2x2x6x6xf32>, tensor<2x4x2x3x3xf32>) outs(%initd : tensor<?x2x4x4x4xf32>) -> tensor<?x2x4x4x4xf32>
  return %0, %1 : tensor<1x2x1x3x3xf32>, tensor<?x2x4x4x4xf32>
}

// -----

// ResNeXt's 3x3 layer at a 23-pixel row (4 groups of 16 channels and 16
// filters, AVX-512): one group per level-1 tile, and register tiles of
// 16 filters x 12 and 11 pixels (a remainder tile), each a plain contraction
// over one group's channels.
// SCHEDULE-LABEL: func @grouped_register_tiles(
// SCHEDULE:         kiln_kernel.dispatch "conv" schedule <conv, tiles = [1, 1, 1, 0, 1, 0, 0, 0, 0], vector = [1, 1, 1, 12, 1, 16, 1, 1, 1], threads>
// CODEGEN-LABEL: func @grouped_register_tiles(
// CODEGEN:           arith.mulf %{{.*}}, %{{.*}} : vector<12x16x1xf32>
// CODEGEN:           arith.mulf %{{.*}}, %{{.*}} : vector<11x16x1xf32>
// CODEGEN-NOT:     linalg.conv_2d_ngchw_gfchw
func.func @grouped_register_tiles(%x: tensor<1x4x16x25x25xf32>) -> tensor<1x4x16x23x23xf32> {
  %w = arith.constant dense<0.5> : tensor<4x16x16x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x4x16x23x23xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x16x23x23xf32>) -> tensor<1x4x16x23x23xf32>
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x16x25x25xf32>, tensor<4x16x16x3x3xf32>) outs(%init : tensor<1x4x16x23x23xf32>) -> tensor<1x4x16x23x23xf32>
  return %0 : tensor<1x4x16x23x23xf32>
}
