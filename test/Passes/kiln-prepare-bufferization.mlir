// RUN: kiln-opt %s -split-input-file -kiln-prepare-bufferization | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-prepare-bufferization -eliminate-empty-tensors -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -cse -canonicalize | FileCheck %s --check-prefix=BUFFERS

// A pad becomes fills of its border, a slab per side (rows above and below,
// then the columns left and right of the interior rows), and an
// insert_slice of its source; the slices read from the padded tensor are
// not folded onto the source. After bufferization the ReLU writes straight
// into the interior of the padded buffer: nothing is copied, and the
// interior is not filled first.
// CHECK-LABEL: func @pad_of_relu(
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<6x8xf32>
// CHECK:         %[[TOP:.+]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x8xf32>)
// CHECK:         %[[B0:.+]] = tensor.insert_slice %[[TOP]] into %[[EMPTY]][0, 0] [1, 8] [1, 1]
// CHECK:         %[[B1:.+]] = tensor.insert_slice %{{.*}} into %[[B0]][5, 0] [1, 8] [1, 1]
// CHECK:         %[[B2:.+]] = tensor.insert_slice %{{.*}} into %[[B1]][1, 0] [4, 1] [1, 1]
// CHECK:         %[[PADDED:.+]] = tensor.insert_slice %{{.*}} into %[[B2]][1, 7] [4, 1] [1, 1]
// CHECK:         %[[RELU:.+]] = linalg.generic
// CHECK:         %[[INSERTED:.+]] = tensor.insert_slice %[[RELU]] into %[[PADDED]][1, 1] [4, 6] [1, 1]
// CHECK:         tensor.extract_slice %[[INSERTED]][1, 1] [4, 6] [1, 1]
// CHECK-NOT:     tensor.pad
// BUFFERS-LABEL: func @pad_of_relu(
// BUFFERS:         %[[BUFFER:.+]] = memref.alloc() {{.*}} : memref<6x8xf32>
// BUFFERS-COUNT-4: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<{{1x8|4x1}}xf32, strided<[8, 1]{{.*}}>>)
// BUFFERS-NOT:     linalg.fill
// BUFFERS:         %[[INTERIOR:.+]] = memref.subview %[[BUFFER]][1, 1] [4, 6] [1, 1]
// BUFFERS:         linalg.generic {{.*}} outs(%[[INTERIOR]] :
// BUFFERS-NOT:     memref.copy
// BUFFERS:         return
func.func @pad_of_relu(%x: tensor<4x6xf32>) -> (tensor<6x8xf32>, tensor<4x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x6xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x6xf32>) outs(%empty : tensor<4x6xf32>) {
  ^bb0(%v: f32, %out: f32):
    %max = arith.maximumf %v, %zero : f32
    linalg.yield %max : f32
  } -> tensor<4x6xf32>
  %padded = tensor.pad %relu low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x6xf32> to tensor<6x8xf32>
  %center = tensor.extract_slice %padded[1, 1] [4, 6] [1, 1] : tensor<6x8xf32> to tensor<4x6xf32>
  %doubled = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%center : tensor<4x6xf32>) outs(%empty : tensor<4x6xf32>) {
  ^bb0(%v: f32, %out: f32):
    %twice = arith.addf %v, %v : f32
    linalg.yield %twice : f32
  } -> tensor<4x6xf32>
  return %padded, %doubled : tensor<6x8xf32>, tensor<4x6xf32>
}

// -----

// Two accumulations share one fill (CSE merged them): each gets its own, so
// that each accumulates into a buffer of its own instead of into a copy of
// one shared filled buffer.
// CHECK-LABEL: func @shared_fill(
// CHECK-COUNT-2: linalg.fill
// BUFFERS-LABEL: func @shared_fill(
// BUFFERS-COUNT-2: linalg.fill
// BUFFERS-NOT:     memref.copy
// BUFFERS:         return
func.func @shared_fill(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<8x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>) outs(%init : tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = linalg.matmul ins(%a, %c : tensor<4x8xf32>, tensor<8x4xf32>) outs(%init : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0, %1 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A residual connection: the padded block input is also read as it is, by an
// op placed before the pad. The padded tensor is made ahead of the source's
// producer, inserted into right after it, and the other reader reads the
// source through a slice of it; after bufferization the producer writes
// into the padded buffer and nothing is copied. (In ResNet-18, whose
// producers are scf.forall kernels, readers of the source itself made
// bufferization copy each block output into a buffer of its own and back.)
// CHECK-LABEL: func @padded_and_read(
// CHECK:         %[[PADDED:.+]] = tensor.insert_slice %{{.*}}[1, 7] [4, 1] [1, 1]
// CHECK:         %[[RELU:.+]] = linalg.generic
// CHECK:         %[[INSERTED:.+]] = tensor.insert_slice %[[RELU]] into %[[PADDED]][1, 1] [4, 6] [1, 1]
// CHECK:         %[[VIEW:.+]] = tensor.extract_slice %[[INSERTED]][1, 1] [4, 6] [1, 1]
// CHECK:         linalg.generic {{.*}} ins(%[[VIEW]] :
// BUFFERS-LABEL: func @padded_and_read(
// BUFFERS-NOT:     memref.copy
// BUFFERS:         return
func.func @padded_and_read(%x: tensor<4x6xf32>) -> (tensor<6x8xf32>, tensor<4x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x6xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x6xf32>) outs(%empty : tensor<4x6xf32>) {
  ^bb0(%v: f32, %out: f32):
    %max = arith.maximumf %v, %zero : f32
    linalg.yield %max : f32
  } -> tensor<4x6xf32>
  %empty2 = tensor.empty() : tensor<4x6xf32>
  %doubled = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%relu : tensor<4x6xf32>) outs(%empty2 : tensor<4x6xf32>) {
  ^bb0(%v: f32, %out: f32):
    %twice = arith.addf %v, %v : f32
    linalg.yield %twice : f32
  } -> tensor<4x6xf32>
  %padded = tensor.pad %relu low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x6xf32> to tensor<6x8xf32>
  return %padded, %doubled : tensor<6x8xf32>, tensor<4x6xf32>
}
