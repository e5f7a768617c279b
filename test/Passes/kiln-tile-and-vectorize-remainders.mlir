// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="force='#kiln_kernel.schedule<contraction, tiles = [0, 0, 0], vector = [8, 16, 1]>'" -kiln-tile-and-vectorize | FileCheck %s --check-prefix=STATIC
// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="force='#kiln_kernel.schedule<contraction, tiles = [0, 0, 0], vector = [8, 32, 1]>'" -kiln-tile-and-vectorize | FileCheck %s --check-prefix=WIDE

// Register tiles that do not divide their loops: 23 rows x 40 columns under
// 8 x 16 register tiles are full tiles, then the remainders of the column
// loop (8 x 8) and of the row loop (7 x 16, 7 x 8), all static; no masks.
// STATIC-LABEL: func @rows_23(
// STATIC-NOT:     vector.mask
// STATIC:         scf.for %{{.*}} = %c0 to %c16 step %c8
// STATIC:           scf.for %{{.*}} = %c0 to %c32 step %c16
// STATIC:             vector.contract {{.*}} : vector<8x1xf32>, vector<1x16xf32> into vector<8x16xf32>
// STATIC:           vector.contract {{.*}} : vector<8x1xf32>, vector<1x8xf32> into vector<8x8xf32>
// STATIC:         vector.contract {{.*}} : vector<7x1xf32>, vector<1x16xf32> into vector<7x16xf32>
// STATIC:         vector.contract {{.*}} : vector<7x1xf32>, vector<1x8xf32> into vector<7x8xf32>
func.func @rows_23(%a: tensor<23x64xf32>, %b: tensor<64x40xf32>) -> tensor<23x40xf32> {
  %0 = kiln.matmul %a, %b : (tensor<23x64xf32>, tensor<64x40xf32>) -> tensor<23x40xf32>
  return %0 : tensor<23x40xf32>
}

// -----

// A remainder longer than a vector and not whole vectors (61 columns under
// 32-wide register tiles leave 29) goes as a whole vector and a shorter
// remainder (16 + 13): LLVM unrolls a vector of 29 f32 into single
// elements.
// WIDE-LABEL: func @columns_61(
// WIDE:         vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// WIDE:         vector<8x1xf32>, vector<1x16xf32> into vector<8x16xf32>
// WIDE:         vector<8x1xf32>, vector<1x13xf32> into vector<8x13xf32>
// WIDE-NOT:     vector<1x29xf32>
func.func @columns_61(%a: tensor<8x64xf32>, %b: tensor<64x61xf32>) -> tensor<8x61xf32> {
  %0 = kiln.matmul %a, %b : (tensor<8x64xf32>, tensor<64x61xf32>) -> tensor<8x61xf32>
  return %0 : tensor<8x61xf32>
}

// -----

// A dynamic row count: the row loop is peeled at the last multiple of 8, so
// its full register tiles are static (8 x 32 accumulators); the rest of the
// rows, fewer than 8, go one at a time with the same 32-wide vectors.
// WIDE-LABEL: func @dynamic_rows(
// WIDE:         %[[SPLIT:.*]] = affine.apply
// WIDE:         scf.for %{{.*}} = %c0 to %[[SPLIT]] step %c8
// WIDE:           vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// WIDE:         scf.for %{{.*}} = %[[SPLIT]] to %{{.*}} step %c8
// WIDE:           scf.for %{{.*}} step %c1
// WIDE:             vector.contract {{.*}} : vector<1x1xf32>, vector<1x32xf32> into vector<1x32xf32>
func.func @dynamic_rows(%a: tensor<?x64xf32>, %b: tensor<64x32xf32>) -> tensor<?x32xf32> {
  %0 = kiln.matmul %a, %b : (tensor<?x64xf32>, tensor<64x32xf32>) -> tensor<?x32xf32>
  return %0 : tensor<?x32xf32>
}

