// RUN: kiln-opt %s -split-input-file -kiln-widen-reduction-accumulators | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-widen-reduction-accumulators="max-elements=64" | FileCheck %s --check-prefix=SMALL

// Row sums of a 16 x 128 block, a 16 x 16 tile at a time: the loop carries
// one partial sum per element of the tile (from -0.0, which adds nothing)
// and reduces them across the columns once, after the loop.
// CHECK-LABEL: func @row_sums(
// CHECK-SAME:      %[[INIT:[a-z0-9]+]]: vector<16xf32>
// CHECK:         %[[ZEROS:.*]] = arith.constant dense<-0.000000e+00> : vector<16x16xf32>
// CHECK:         %[[LOOP:.*]]:2 = scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[INIT]], %[[WIDE:.*]] = %[[ZEROS]])
// CHECK:           %[[TILE:.*]] = vector.transfer_read
// CHECK-NOT:       vector.multi_reduction
// CHECK:           %[[SUM:.*]] = arith.addf %[[TILE]], %[[WIDE]] : vector<16x16xf32>
// CHECK:           scf.yield %[[ACC]], %[[SUM]]
// CHECK:         %[[R:.*]] = vector.multi_reduction <add>, %[[LOOP]]#1, %[[LOOP]]#0 [1] : vector<16x16xf32> to vector<16xf32>
// CHECK:         return %[[R]]
// Accumulators of more than max-elements stay as they are.
// SMALL-LABEL: func @row_sums(
// SMALL:         scf.for
// SMALL:           vector.multi_reduction <add>
func.func @row_sums(%m: memref<16x128xf32>, %init: vector<16xf32>) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c128 = arith.constant 128 : index
  %pad = arith.constant 0.0 : f32
  %r = scf.for %k = %c0 to %c128 step %c16 iter_args(%acc = %init) -> (vector<16xf32>) {
    %t = vector.transfer_read %m[%c0, %k], %pad {in_bounds = [true, true]} : memref<16x128xf32>, vector<16x16xf32>
    %s = vector.multi_reduction <add>, %t, %acc [1] : vector<16x16xf32> to vector<16xf32>
    scf.yield %s : vector<16xf32>
  }
  return %r : vector<16xf32>
}

// -----

// A row max starts from -inf and stays NaN-propagating (maximumf).
// CHECK-LABEL: func @row_max(
// CHECK:         arith.constant dense<0xFF800000> : vector<4x16xf32>
// CHECK:         scf.for
// CHECK:           arith.maximumf {{.*}} : vector<4x16xf32>
// CHECK:         vector.multi_reduction <maximumf>, {{.*}} [1] : vector<4x16xf32> to vector<4xf32>
func.func @row_max(%m: memref<4x64xf32>, %init: vector<4xf32>) -> vector<4xf32> {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  %r = scf.for %k = %c0 to %c64 step %c16 iter_args(%acc = %init) -> (vector<4xf32>) {
    %t = vector.transfer_read %m[%c0, %k], %pad {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x16xf32>
    %s = vector.multi_reduction <maximumf>, %t, %acc [1] : vector<4x16xf32> to vector<4xf32>
    scf.yield %s : vector<4xf32>
  }
  return %r : vector<4xf32>
}

// -----

// Left alone: the partial result is also read inside the loop, and an
// integer sum (this pass handles float kinds only).
// CHECK-LABEL: func @not_only_yielded(
// CHECK:         scf.for
// CHECK:           vector.multi_reduction <add>
// CHECK-LABEL: func @integer_sum(
// CHECK:         scf.for
// CHECK:           vector.multi_reduction <add>
func.func @not_only_yielded(%m: memref<4x64xf32>, %out: memref<4xf32>, %init: vector<4xf32>) -> vector<4xf32> {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  %r = scf.for %k = %c0 to %c64 step %c16 iter_args(%acc = %init) -> (vector<4xf32>) {
    %t = vector.transfer_read %m[%c0, %k], %pad {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x16xf32>
    %s = vector.multi_reduction <add>, %t, %acc [1] : vector<4x16xf32> to vector<4xf32>
    vector.transfer_write %s, %out[%c0] {in_bounds = [true]} : vector<4xf32>, memref<4xf32>
    scf.yield %s : vector<4xf32>
  }
  return %r : vector<4xf32>
}

func.func @integer_sum(%m: memref<4x64xi32>, %init: vector<4xi32>) -> vector<4xi32> {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0 : i32
  %r = scf.for %k = %c0 to %c64 step %c16 iter_args(%acc = %init) -> (vector<4xi32>) {
    %t = vector.transfer_read %m[%c0, %k], %pad {in_bounds = [true, true]} : memref<4x64xi32>, vector<4x16xi32>
    %s = vector.multi_reduction <add>, %t, %acc [1] : vector<4x16xi32> to vector<4xi32>
    scf.yield %s : vector<4xi32>
  }
  return %r : vector<4xi32>
}
