// RUN: kiln-opt %s -split-input-file -kiln-prefetch-accumulators -canonicalize | FileCheck %s

// Ahead of each register tile's k loop, the tile the next row block stores
// is prefetched for writing: one prefetch per row and 64-byte line (8 rows x
// 2 lines of 16 floats), at the next block's rows, or at this block's own on
// the last.
// CHECK-LABEL: func @register_tiles(
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[UB:.*]] step %[[STEP:.*]] {
// CHECK:           %[[NEXT:.*]] = arith.addi %[[I]], %[[STEP]]
// CHECK:           %[[IN:.*]] = arith.cmpi slt, %[[NEXT]], %[[UB]]
// CHECK:           %[[ROW:.*]] = arith.select %[[IN]], %[[NEXT]], %[[I]]
// CHECK:           %[[VIEW:.*]] = memref.subview %{{.*}}[%[[ROW]], 0] [8, 32] [1, 1]
// CHECK-COUNT-16:  memref.prefetch %[[VIEW]][%{{.*}}, %{{.*}}], write, locality<3>, data
// CHECK-NOT:       memref.prefetch
// CHECK:           scf.for
func.func @register_tiles(%a: memref<256x64xf32>, %c: memref<256x32xf32>, %ub: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %pad = ub.poison : f32
  scf.for %i = %c0 to %ub step %c8 {
    %tile = memref.subview %c[%i, 0] [8, 32] [1, 1] : memref<256x32xf32> to memref<8x32xf32, strided<[32, 1], offset: ?>>
    %init = vector.transfer_read %tile[%c0, %c0], %pad {in_bounds = [true, true]} : memref<8x32xf32, strided<[32, 1], offset: ?>>, vector<8x32xf32>
    %sum = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %init) -> (vector<8x32xf32>) {
      %x = vector.transfer_read %a[%i, %k], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d0, 0)>} : memref<256x64xf32>, vector<8x32xf32>
      %s = arith.addf %acc, %x : vector<8x32xf32>
      scf.yield %s : vector<8x32xf32>
    }
    vector.transfer_write %sum, %tile[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32, strided<[32, 1], offset: ?>>
  }
  return
}

// -----

// A tile that every iteration stores to alike, one of more lines than a
// register tile holds, and one whose k loop is too short (32 steps) to hide
// the prefetches are left alone.
// CHECK-LABEL: func @left_alone(
// CHECK-NOT:     memref.prefetch
func.func @left_alone(%c: memref<8x32xf32>, %big: memref<256x256xf32>, %v: vector<8x32xf32>, %w: vector<64x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %sum = scf.for %k = %c0 to %c4 step %c1 iter_args(%acc = %v) -> (vector<8x32xf32>) {
      %s = arith.addf %acc, %acc : vector<8x32xf32>
      scf.yield %s : vector<8x32xf32>
    }
    vector.transfer_write %sum, %c[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %row = arith.muli %i, %c64 : index
    %sum = scf.for %k = %c0 to %c4 step %c1 iter_args(%acc = %w) -> (vector<64x256xf32>) {
      %s = arith.addf %acc, %acc : vector<64x256xf32>
      scf.yield %s : vector<64x256xf32>
    }
    vector.transfer_write %sum, %big[%row, %c0] {in_bounds = [true, true]} : vector<64x256xf32>, memref<256x256xf32>
  }
  %c32 = arith.constant 32 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %row = arith.muli %i, %c64 : index
    %sum = scf.for %k = %c0 to %c32 step %c1 iter_args(%acc = %v) -> (vector<8x32xf32>) {
      %s = arith.addf %acc, %acc : vector<8x32xf32>
      scf.yield %s : vector<8x32xf32>
    }
    vector.transfer_write %sum, %big[%row, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<256x256xf32>
  }
  return
}

// -----

// Booleans (packed bits in LLVM) are left alone.
// CHECK-LABEL: func @bools(
// CHECK-NOT:     memref.prefetch
func.func @bools(%c: memref<256x64xi1>, %v: vector<8x64xi1>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  scf.for %i = %c0 to %c256 step %c8 {
    %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%a = %v) -> (vector<8x64xi1>) {
      %x = arith.xori %a, %a : vector<8x64xi1>
      scf.yield %x : vector<8x64xi1>
    }
    vector.transfer_write %r, %c[%i, %c0] {in_bounds = [true, true]} : vector<8x64xi1>, memref<256x64xi1>
  }
  return
}
