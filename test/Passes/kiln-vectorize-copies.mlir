// RUN: kiln-opt %s -split-input-file -kiln-vectorize-copies | FileCheck %s

// A copy into the interior of a padded buffer moves a vector per step of its
// rows (112 columns: vectors of 16).
// CHECK-LABEL: func @into_padding(
// CHECK-NOT:     memref.copy
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C16:.*]] {
// CHECK:               %[[V:.*]] = vector.transfer_read %{{.*}} : memref<2x112x112xf32>, vector<16xf32>
// CHECK:               vector.transfer_write %[[V]], %{{.*}} : vector<16xf32>, memref<2x112x112xf32, strided<[12996, 114, 1], offset: 115>>
func.func @into_padding(%src: memref<2x112x112xf32>, %dst: memref<2x114x114xf32>) {
  %sub = memref.subview %dst[0, 1, 1] [2, 112, 112] [1, 1, 1] : memref<2x114x114xf32> to memref<2x112x112xf32, strided<[12996, 114, 1], offset: 115>>
  memref.copy %src, %sub : memref<2x112x112xf32> to memref<2x112x112xf32, strided<[12996, 114, 1], offset: 115>>
  return
}

// -----

// Rows of 7: vectors of 1 (still no runtime call per element).
// CHECK-LABEL: func @odd_rows(
// CHECK:         vector.transfer_read %{{.*}} : memref<4x7xf32, strided<[9, 1], offset: 10>>, vector<1xf32>
func.func @odd_rows(%src: memref<6x9xf32>, %dst: memref<4x7xf32>) {
  %sub = memref.subview %src[1, 1] [4, 7] [1, 1] : memref<6x9xf32> to memref<4x7xf32, strided<[9, 1], offset: 10>>
  memref.copy %sub, %dst : memref<4x7xf32, strided<[9, 1], offset: 10>> to memref<4x7xf32>
  return
}

// -----

// Contiguous copies stay a memcpy; copies with a strided innermost dimension
// or dynamic sizes are left to memrefCopy.
// CHECK-LABEL: func @left_alone(
// CHECK-COUNT-3: memref.copy
func.func @left_alone(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %c: memref<4x16xf32>, %d: memref<?x8xf32>, %e: memref<?x8xf32>) {
  memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32>
  %s = memref.subview %c[0, 0] [4, 8] [1, 2] : memref<4x16xf32> to memref<4x8xf32, strided<[16, 2]>>
  memref.copy %s, %a : memref<4x8xf32, strided<[16, 2]>> to memref<4x8xf32>
  memref.copy %d, %e : memref<?x8xf32> to memref<?x8xf32>
  return
}

// -----

// A max pool's -inf padding: a vector of -inf stored per step of the rows;
// so is a zero fill of a strided slab (a padded buffer's left border). A
// contiguous zero fill stays a linalg.fill (LLVM makes it a memset).
// CHECK-LABEL: func @fills(
// CHECK:         %[[INF:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK:         scf.for
// CHECK:           scf.for %{{.*}} step %{{.*}} {
// CHECK:             vector.transfer_write %[[INF]], %{{.*}} : vector<16xf32>, memref<4x114x64xf32>
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<4x114x64xf32>)
// CHECK:         %[[ZEROS:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK:         vector.transfer_write %[[ZEROS]], %{{.*}} : vector<16xf32>, memref<4x112x1x64xf32, strided<[831744, 7296, 64, 1], offset: 7296>>
func.func @fills(%pool: memref<4x114x64xf32>, %conv: memref<4x114x64xf32>, %padded: memref<4x114x114x64xf32>) {
  %inf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%inf : f32) outs(%pool : memref<4x114x64xf32>)
  linalg.fill ins(%zero : f32) outs(%conv : memref<4x114x64xf32>)
  %left = memref.subview %padded[0, 1, 0, 0] [4, 112, 1, 64] [1, 1, 1, 1] : memref<4x114x114x64xf32> to memref<4x112x1x64xf32, strided<[831744, 7296, 64, 1], offset: 7296>>
  linalg.fill ins(%zero : f32) outs(%left : memref<4x112x1x64xf32, strided<[831744, 7296, 64, 1], offset: 7296>>)
  return
}

// -----

// A dynamic batch: the batch loop runs to the buffer's size, rows still
// move a vector at a time (the runtime's memrefCopy moved one element per
// step, a fifth of mobilenet_v3_large's time with a dynamic batch).
// CHECK-LABEL: func @dynamic_batch(
// CHECK-NOT:     memref.copy
// CHECK:         %[[N:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<?x112x112xf32>
// CHECK:         scf.for %{{.*}} = %{{.*}} to %[[N]] step
// CHECK:               vector.transfer_read %{{.*}} : memref<?x112x112xf32>, vector<16xf32>
func.func @dynamic_batch(%src: memref<?x112x112xf32>, %dst: memref<?x114x114xf32>, %n: index) {
  %sub = memref.subview %dst[0, 1, 1] [%n, 112, 112] [1, 1, 1] : memref<?x114x114xf32> to memref<?x112x112xf32, strided<[12996, 114, 1], offset: 115>>
  memref.copy %src, %sub : memref<?x112x112xf32> to memref<?x112x112xf32, strided<[12996, 114, 1], offset: 115>>
  return
}

// -----

// Both contiguous (identity layouts, dynamic or not): left to memref.copy,
// a memcpy.
// CHECK-LABEL: func @contiguous_dynamic(
// CHECK:         memref.copy
func.func @contiguous_dynamic(%src: memref<?x16xf32>, %dst: memref<?x16xf32>) {
  memref.copy %src, %dst : memref<?x16xf32> to memref<?x16xf32>
  return
}
