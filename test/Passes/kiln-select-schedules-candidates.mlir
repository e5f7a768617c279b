// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-conv-to-im2col -kiln-fuse -kiln-select-schedules="list-candidates cost-model=heuristic" -verify-diagnostics
// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-conv-to-im2col -kiln-fuse -kiln-select-schedules="force=5" | FileCheck %s
// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-conv-to-im2col -kiln-fuse -kiln-select-schedules="force='#kiln_kernel.schedule<contraction, tiles = [4, 16, 0], vector = [2, 16, 1], pack>'" | FileCheck %s --check-prefix=FORCED

// The space of an 8x16x32 matmul: register tiles of 1, 2, 4 or 8 rows by one
// vector (10 pairs with the level-1 row tiles that are multiples of them),
// whole k (too short to block), with and without packing and threads: 40.
// 6 or 7 rows would leave a remainder where 8 divides the loop, so they are
// not offered (on 23 rows they are).
// Candidate 5 is rows 2 x 16 columns per level-1 tile, 1 x 16 registers, on
// threads.
// CHECK-LABEL: func @small(
// CHECK:         schedule <contraction, tiles = [2, 16, 0], vector = [1, 16, 1], threads>
// FORCED-LABEL: func @small(
// FORCED:         schedule <contraction, tiles = [4, 16, 0], vector = [2, 16, 1], pack>
func.func @small(%a: tensor<8x32xf32>, %b: tensor<32x16xf32>) -> tensor<8x16xf32> {
  // expected-remark @+1 {{40 candidate schedules; the heuristic picks 37}}
  %0 = kiln.matmul %a, %b : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

// The space of a 64 -> 64 3x3 convolution on 16x16 pixels: register tiles of
// 1..16 pixels x 16 or 32 filters (9 pairs within 24 accumulators) x 5 row
// tiles x 1 or 2 filter panels per tile x 6 channel blocks (whole, 2..32)
// x threads or not: 1080.
// The transpose of the result back to NCHW is a kernel of its own.
// CHECK-LABEL: func @conv(
func.func @conv(%x: tensor<1x64x16x16xf32>) -> tensor<1x64x16x16xf32> {
  %w = arith.constant dense<1.0> : tensor<64x64x3x3xf32>
  // expected-remark @+2 {{1080 candidate schedules; the heuristic picks 911}}
  // expected-remark @+1 {{7 candidate schedules; the heuristic picks 6}}
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x16x16xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x16x16xf32>
  return %0 : tensor<1x64x16x16xf32>
}
