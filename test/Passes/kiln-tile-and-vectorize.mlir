// RUN: kiln-opt %s -split-input-file -kiln-tile-and-vectorize | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-tile-and-vectorize="vector-width=8" | FileCheck %s --check-prefix=W8

#id = affine_map<(d0, d1) -> (d0, d1)>

// Elementwise: the innermost dimension is tiled by the vector width, the
// others by 1, and each tile becomes one vector op.
// CHECK-LABEL: func @elementwise(
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %[[C1]]
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %[[C16]]
// CHECK:             %[[A:.*]] = tensor.extract_slice %{{.*}}[%[[I]], %[[J]]] [1, 16] [1, 1] : tensor<4x64xf32> to tensor<1x16xf32>
// CHECK:             %[[VA:.*]] = vector.transfer_read %[[A]]{{.*}} : tensor<1x16xf32>, vector<1x16xf32>
// CHECK:             %[[VB:.*]] = vector.transfer_read %{{.*}} : tensor<1x16xf32>, vector<1x16xf32>
// CHECK:             %[[SUM:.*]] = arith.addf %[[VA]], %[[VB]] : vector<1x16xf32>
// CHECK:             vector.transfer_write %[[SUM]], %{{.*}} : vector<1x16xf32>, tensor<1x16xf32>
// CHECK-NOT:     linalg.generic
// W8-LABEL:    func @elementwise(
// W8:            arith.addf %{{.*}}, %{{.*}} : vector<1x8xf32>
func.func @elementwise(%a: tensor<4x64xf32>, %b: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %e = tensor.empty() : tensor<4x64xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<4x64xf32>, tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// A dynamic dimension is tiled by 1; the static innermost one still
// vectorizes.
// CHECK-LABEL: func @dynamic_rows(
// CHECK-SAME:    %[[A:.*]]: tensor<?x64xf32>)
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK:         scf.for %{{.*}} step %[[C1]]
// CHECK:           scf.for %{{.*}} step %[[C16]]
// CHECK:             tensor.extract_slice %[[A]]{{.*}} : tensor<?x64xf32> to tensor<1x16xf32>
// CHECK:             math.exp %{{.*}} : vector<1x16xf32>
func.func @dynamic_rows(%a: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %a, %c0 : tensor<?x64xf32>
  %e = tensor.empty(%d) : tensor<?x64xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x64xf32>) outs(%e : tensor<?x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.exp %x : f32
    linalg.yield %s : f32
  } -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// Tiles divide the extent, so no masking is needed: 7 columns take a tile
// of 1.
// CHECK-LABEL: func @indivisible(
// CHECK-NOT:     vector.mask
// CHECK:         arith.negf %{{.*}} : vector<1x1xf32>
func.func @indivisible(%a: tensor<3x7xf32>) -> tensor<3x7xf32> {
  %e = tensor.empty() : tensor<3x7xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<3x7xf32>) outs(%e : tensor<3x7xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.negf %x : f32
    linalg.yield %s : f32
  } -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// A matmul gets an 8-row by 2-vector register block with k tiled by 1.
// CHECK-LABEL: func @matmul(
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK:         scf.for %{{.*}} step %[[C8]]
// CHECK:           scf.for %{{.*}} step %[[C32]]
// CHECK:             scf.for %{{.*}} step %[[C1]]
// CHECK:               %[[ACC:.*]] = vector.transfer_read %{{.*}} : tensor<8x32xf32>, vector<8x32xf32>
// CHECK:               %[[PROD:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<8x32x1xf32>
// CHECK:               vector.multi_reduction <add>, %[[PROD]], %[[ACC]] [2] : vector<8x32x1xf32> to vector<8x32xf32>
// CHECK-NOT:     linalg.matmul
// W8-LABEL:    func @matmul(
// W8:            arith.mulf %{{.*}}, %{{.*}} : vector<8x16x1xf32>
func.func @matmul(%a: tensor<16x32xf32>, %b: tensor<32x64xf32>, %c: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x32xf32>, tensor<32x64xf32>) outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %0 : tensor<16x64xf32>
}

// -----

// A small reduction stays whole inside the tile.
// CHECK-LABEL: func @small_reduction(
// CHECK:         %[[V:.*]] = vector.transfer_read %{{.*}} : tensor<8x32xf32>, vector<8x32xf32>
// CHECK:         vector.multi_reduction <add>, %[[V]], %{{.*}} [1] : vector<8x32xf32> to vector<8xf32>
// CHECK-NOT:     linalg.reduce
func.func @small_reduction(%a: tensor<8x32xf32>, %c: tensor<8xf32>) -> tensor<8xf32> {
  %0 = linalg.reduce ins(%a : tensor<8x32xf32>) outs(%c : tensor<8xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<8xf32>
}

// -----

// A reduction over more than 1024 elements is tiled by 1.
// CHECK-LABEL: func @large_reduction(
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C2048:.*]] = arith.constant 2048 : index
// CHECK:         scf.for %{{.*}} = %{{.*}} to %[[C2048]] step %[[C1]]
// CHECK:           vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<4x1xf32> to vector<4xf32>
func.func @large_reduction(%a: tensor<4x2048xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  %0 = linalg.reduce ins(%a : tensor<4x2048xf32>) outs(%c : tensor<4xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<4xf32>
}

// -----

// A 2-D convolution becomes an im2col and a contraction, which vectorizes.
// CHECK-LABEL: func @conv(
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<8x3x3x3xf32> into tensor<8x27xf32>
// CHECK:         vector.multi_reduction <add>
// CHECK-NOT:     linalg.conv_2d_nchw_fchw
// CHECK:         tensor.expand_shape %{{.*}} : tensor<1x8x64xf32> into tensor<1x8x8x8xf32>
func.func @conv(%x: tensor<1x3x10x10xf32>, %w: tensor<8x3x3x3xf32>, %init: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x3x10x10xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// Ops on buffers are left alone.
// CHECK-LABEL: func @buffers_untouched(
// CHECK-NEXT:    linalg.copy ins(%{{.*}} : memref<4x16xf32>) outs(%{{.*}} : memref<4x16xf32>)
// CHECK-NEXT:    return
func.func @buffers_untouched(%a: memref<4x16xf32>, %b: memref<4x16xf32>) {
  linalg.copy ins(%a : memref<4x16xf32>) outs(%b : memref<4x16xf32>)
  return
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
