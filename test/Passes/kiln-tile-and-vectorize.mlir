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

// A row shorter than a vector is one vector of its length, no mask.
// CHECK-LABEL: func @indivisible(
// CHECK-NOT:     vector.mask
// CHECK:         arith.negf %{{.*}} : vector<1x7xf32>
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

// A matmul outside a dispatch (no schedule) gets an 8-row by 2-vector
// register block with k tiled by 1: one outer-product vector.contract per k.
// CHECK-LABEL: func @matmul(
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK:         scf.for %{{.*}} step %[[C8]]
// CHECK:           scf.for %{{.*}} step %[[C32]]
// CHECK:             scf.for %{{.*}} step %[[C1]]
// CHECK:               vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK-NOT:     linalg.matmul
// W8-LABEL:    func @matmul(
// W8:            vector.contract {{.*}} : vector<8x1xf32>, vector<1x16xf32> into vector<8x16xf32>
func.func @matmul(%a: tensor<16x32xf32>, %b: tensor<32x64xf32>, %c: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x32xf32>, tensor<32x64xf32>) outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %0 : tensor<16x64xf32>
}

// -----

// Rows reduced along their contiguous dimension, a vector of rows at a time,
// go one block of one vector per row at a time, folded into the accumulator.
// CHECK-LABEL: func @small_reduction(
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK:         scf.for %{{.*}} step %[[C16]]
// CHECK:           %[[V:.*]] = vector.transfer_read %{{.*}} : tensor<8x16xf32>, vector<8x16xf32>
// CHECK:           vector.multi_reduction <add>, %[[V]], %{{.*}} [1] : vector<8x16xf32> to vector<8xf32>
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

// So do longer rows (2048 elements).
// CHECK-LABEL: func @large_reduction(
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[C2048:.*]] = arith.constant 2048 : index
// CHECK:         scf.for %{{.*}} = %{{.*}} to %[[C2048]] step %[[C16]]
// CHECK:           vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<4x16xf32> to vector<4xf32>
func.func @large_reduction(%a: tensor<4x2048xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  %0 = linalg.reduce ins(%a : tensor<4x2048xf32>) outs(%c : tensor<4xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<4xf32>
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
