// RUN: kiln-opt %s -split-input-file -kiln-tile-and-vectorize -canonicalize -loop-invariant-subset-hoisting -canonicalize | FileCheck %s

// A packed contraction schedule: 64 x 64 level-1 tiles in an scf.forall
// (threads), each zeroing its accumulators one 8 x 32 register tile at a
// time (in cache right before the k loop reads them, rather than a memset
// of the whole result ahead of the kernel), the bias + relu epilogue fused
// into each tile, k blocks of 64,
// A and B copied into register panels per block (A, whose 64 rows of 4096
// span 1 MB, read 16 k x 8 rows at a time and transposed in registers),
// and an 8 x 32 register
// tile whose accumulator stays in registers across the k loop.
// CHECK-LABEL: func @packed_matmul_epilogue(
// CHECK-NOT:     linalg.fill
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (128, 256) step (64, 64)
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}}) -> (tensor<64x64xf32>)
// CHECK:             scf.for
// CHECK:               vector.transfer_write %{{.*}} : vector<8x32xf32>, tensor<8x32xf32>
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}}) -> (tensor<64x64xf32>)
// CHECK:             tensor.expand_shape %{{.*}} : tensor<64x64xf32> into tensor<8x8x64xf32>
// CHECK:             vector.transpose %{{.*}}, [0, 2, 1] : vector<1x8x16xf32> to vector<1x16x8xf32>
// CHECK:             vector.transfer_write %{{.*}} : vector<1x16x8xf32>, tensor<1x16x8xf32>
// CHECK:             tensor.expand_shape %{{.*}} : tensor<64x64xf32> into tensor<64x2x32xf32>
// CHECK:             vector.transfer_write %{{.*}} : vector<1x1x16xf32>, tensor<1x1x16xf32>
// CHECK:             tensor.expand_shape %{{.*}} : tensor<64x64xf32> into tensor<8x8x2x32xf32>
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK:                 %[[SUM:.*]] = scf.for %{{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (vector<8x32xf32>)
// CHECK:                   arith.mulf %{{.*}} : vector<8x32x1xf32>
// CHECK:                   arith.addf %[[A]], %{{.*}} : vector<8x32xf32>
// CHECK:                 vector.transfer_write %[[SUM]], %{{.*}} : vector<8x32xf32>, tensor<8x32xf32>
// CHECK:           arith.maximumf %{{.*}} : vector<1x16xf32>
// CHECK:           scf.forall.in_parallel
// CHECK-NOT:     kiln_kernel.dispatch
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @packed_matmul_epilogue(%a: tensor<128x4096xf32>, %b: tensor<4096x256xf32>, %bias: tensor<256xf32>) -> tensor<128x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x256xf32>
  %0 = kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [64, 64, 64], vector = [8, 32, 1], pack, threads> -> tensor<128x256xf32> {
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<128x256xf32>) -> tensor<128x256xf32>
    %m = linalg.matmul ins(%a, %b : tensor<128x4096xf32>, tensor<4096x256xf32>) outs(%f : tensor<128x256xf32>) -> tensor<128x256xf32>
    %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %bias : tensor<128x256xf32>, tensor<256xf32>) outs(%e : tensor<128x256xf32>) {
    ^bb0(%x: f32, %y: f32, %o: f32):
      %s = arith.addf %x, %y : f32
      %t = arith.maximumf %s, %zero : f32
      linalg.yield %t : f32
    } -> tensor<128x256xf32>
    kiln_kernel.yield %r : tensor<128x256xf32>
  }
  return %0 : tensor<128x256xf32>
}

// -----

// A level-1 tile whose rows of A span little memory (64 rows of 128) reads
// A in place: only B is copied into panels, and the register tile
// broadcasts 8 rows of A, one k at a time.
// CHECK-LABEL: func @packed_b_only(
// CHECK:         scf.forall
// CHECK-NOT:       vector.transpose
// CHECK:           tensor.expand_shape %{{.*}} : tensor<64x64xf32> into tensor<8x8x64xf32>
// CHECK:           tensor.expand_shape %{{.*}} : tensor<64x64xf32> into tensor<64x2x32xf32>
// CHECK:           vector.transfer_write %{{.*}} : vector<1x1x16xf32>, tensor<1x1x16xf32>
// CHECK:           scf.for %{{.*}} iter_args(%{{.*}}) -> (vector<8x32xf32>)
// CHECK:             tensor.extract_slice %{{.*}} : tensor<8x8x64xf32> to tensor<1x8x1xf32>
func.func @packed_b_only(%a: tensor<128x128xf32>, %b: tensor<128x256xf32>, %c: tensor<128x256xf32>) -> tensor<128x256xf32> {
  %0 = kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [64, 64, 64], vector = [8, 32, 1], pack, threads> -> tensor<128x256xf32> {
    %m = linalg.matmul ins(%a, %b : tensor<128x128xf32>, tensor<128x256xf32>) outs(%c : tensor<128x256xf32>) -> tensor<128x256xf32>
    kiln_kernel.yield %m : tensor<128x256xf32>
  }
  return %0 : tensor<128x256xf32>
}

// -----

// Constant weights are packed into panels at compile time: a constant of
// [N/nr][K][nr] panels beside the weights, whose slices the register tiles
// read; no copy of B in the kernel.
// CHECK-LABEL: func @packed_constant_weights(
// CHECK:         %[[PANELS:.*]] = arith.constant dense<{{.*}}> : tensor<2x2x32xf32>
// CHECK:         scf.forall (%[[J:.*]]) = (0) to (64) step (32)
// CHECK:           %[[P:.*]] = affine.apply #{{.*}}(%[[J]])
// CHECK:           tensor.extract_slice %[[PANELS]][%[[P]], 0, 0] [1, 2, 32] [1, 1, 1] : tensor<2x2x32xf32> to tensor<1x2x32xf32>
// CHECK-NOT:       vector.transfer_write %{{.*}} : vector<1x1x16xf32>, tensor<1x1x16xf32>
// CHECK:           arith.mulf %{{.*}} : vector<8x32x1xf32>
func.func @packed_constant_weights(%a: tensor<8x2xf32>, %c: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %w = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0], [64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0, 96.0, 97.0, 98.0, 99.0, 100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0]]> : tensor<2x64xf32>
  %0 = kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [8, 32, 0], vector = [8, 32, 1], pack, threads> -> tensor<8x64xf32> {
    %m = linalg.matmul ins(%a, %w : tensor<8x2xf32>, tensor<2x64xf32>) outs(%c : tensor<8x64xf32>) -> tensor<8x64xf32>
    kiln_kernel.yield %m : tensor<8x64xf32>
  }
  return %0 : tensor<8x64xf32>
}

// -----

// A packed product of one k block zeroes each register tile's accumulators
// in registers: its k loop starts from a zero vector, with no store of zeros
// and load of them back.
// CHECK-LABEL: func @packed_one_k_block(
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<8x32xf32>
// CHECK-NOT:     linalg.fill
// CHECK:         scf.forall
// CHECK-NOT:       vector.transfer_write %[[ZERO]]
// CHECK:           scf.for %{{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (vector<8x32xf32>)
// CHECK-NOT:     vector.transfer_write %[[ZERO]]
func.func @packed_one_k_block(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %0 = kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [32, 64, 0], vector = [8, 32, 1], pack, threads> -> tensor<64x64xf32> {
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
    %m = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
    kiln_kernel.yield %m : tensor<64x64xf32>
  }
  return %0 : tensor<64x64xf32>
}

// -----

// A zero fill shared by two kernels (merged by CSE) sits outside both; each
// kernel zeroes its own tiles instead of a memset of the whole result ahead
// of it.
// CHECK-LABEL: func @shared_fill(
// CHECK-NOT:     linalg.fill
// CHECK:         scf.forall
// CHECK:           vector.transfer_write %{{.*}} : vector<8x32xf32>, tensor<8x32xf32>
// CHECK:         scf.forall
// CHECK:           vector.transfer_write %{{.*}} : vector<8x32xf32>, tensor<8x32xf32>
// CHECK-NOT:     linalg.fill
func.func @shared_fill(%a: tensor<32x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x64xf32>) -> (tensor<32x64xf32>, tensor<32x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<32x64xf32>) -> tensor<32x64xf32>
  %0 = kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [8, 32, 0], vector = [8, 32, 1], threads> -> tensor<32x64xf32> {
    %m = linalg.matmul ins(%a, %b : tensor<32x64xf32>, tensor<64x64xf32>) outs(%f : tensor<32x64xf32>) -> tensor<32x64xf32>
    kiln_kernel.yield %m : tensor<32x64xf32>
  }
  %1 = kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [8, 32, 0], vector = [8, 32, 1], threads> -> tensor<32x64xf32> {
    %m = linalg.matmul ins(%a, %c : tensor<32x64xf32>, tensor<64x64xf32>) outs(%f : tensor<32x64xf32>) -> tensor<32x64xf32>
    kiln_kernel.yield %m : tensor<32x64xf32>
  }
  return %0, %1 : tensor<32x64xf32>, tensor<32x64xf32>
}

// -----

// Without packing or threads: scf.for level-1 loops, whole k, and the
// register tile reads the operands in place: one vector.contract per k.
// CHECK-LABEL: func @unpacked_serial(
// CHECK-NOT:     scf.forall
// CHECK:         scf.for %{{.*}} step %{{.*}} iter_args
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}}) -> (vector<4x16xf32>)
// CHECK:                 vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
func.func @unpacked_serial(%a: tensor<16x64xf32>, %b: tensor<64x32xf32>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %0 = kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [8, 32, 0], vector = [4, 16, 1]> -> tensor<16x32xf32> {
    %m = linalg.matmul ins(%a, %b : tensor<16x64xf32>, tensor<64x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
    kiln_kernel.yield %m : tensor<16x32xf32>
  }
  return %0 : tensor<16x32xf32>
}

// -----

// A softmax-like reduction kernel: rows in an scf.forall, the row max and
// the normalization fused per row.
// CHECK-LABEL: func @row_kernel(
// CHECK:         scf.forall (%{{.*}}) in (8)
// CHECK:           vector.multi_reduction <maximumf>
// CHECK:           arith.subf %{{.*}} : vector<1x16xf32>
// CHECK:           scf.forall.in_parallel
#id = affine_map<(d0, d1) -> (d0, d1)>
#red = affine_map<(d0, d1) -> (d0)>
func.func @row_kernel(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %e2 = tensor.empty() : tensor<8x64xf32>
  %0 = kiln_kernel.dispatch "reduction" schedule <reduction, tiles = [1, 0], vector = [1, 16], threads> -> tensor<8x64xf32> {
    %f = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
    %max = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<8x64xf32>) outs(%f : tensor<8xf32>) {
    ^bb0(%v: f32, %acc: f32):
      %m = arith.maximumf %v, %acc : f32
      linalg.yield %m : f32
    } -> tensor<8xf32>
    %r = linalg.generic {indexing_maps = [#id, #red, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %max : tensor<8x64xf32>, tensor<8xf32>) outs(%e2 : tensor<8x64xf32>) {
    ^bb0(%v: f32, %m: f32, %o: f32):
      %s = arith.subf %v, %m : f32
      linalg.yield %s : f32
    } -> tensor<8x64xf32>
    kiln_kernel.yield %r : tensor<8x64xf32>
  }
  return %0 : tensor<8x64xf32>
}

// -----

// Booleans stay scalar under any schedule: LLVM packs a vector of i1 into
// bits, an i1 tensor has a byte per element.
// CHECK-LABEL: func @booleans(
// CHECK:         scf.forall
// CHECK-NOT:     vector.
// CHECK:         arith.xori %{{.*}} : i1
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @booleans(%a: tensor<4x32xi1>, %b: tensor<4x32xi1>) -> tensor<4x32xi1> {
  %e = tensor.empty() : tensor<4x32xi1>
  %0 = kiln_kernel.dispatch "elementwise" schedule <elementwise, tiles = [1, 0], vector = [1, 16], threads> -> tensor<4x32xi1> {
    %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<4x32xi1>, tensor<4x32xi1>) outs(%e : tensor<4x32xi1>) {
    ^bb0(%x: i1, %y: i1, %o: i1):
      %s = arith.xori %x, %y : i1
      linalg.yield %s : i1
    } -> tensor<4x32xi1>
    kiln_kernel.yield %r : tensor<4x32xi1>
  }
  return %0 : tensor<4x32xi1>
}
