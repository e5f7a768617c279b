// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-conv-to-im2col -kiln-fuse -kiln-select-schedules=cost-model=heuristic | FileCheck %s
// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-conv-to-im2col -kiln-fuse -kiln-select-schedules="force=0" | FileCheck %s --check-prefix=FIRST

// The heuristic: an 8-row x 2-vector register tile, k blocks of 256, packed
// operands, 64 x 512 level-1 tiles (4 of them, fewer rows rather than
// fewer columns: a column tile packs its rows of A again) on threads.
// CHECK-LABEL: func @matmul(
// CHECK:         kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [64, 512, 256], vector = [8, 32, 1], pack, threads>
// The first candidate: the smallest register tile, no packing, no threads.
// FIRST-LABEL: func @matmul(
// FIRST:         schedule <contraction, tiles = [1, 16, 0], vector = [1, 16, 1]>
func.func @matmul(%a: tensor<256x512xf32>, %b: tensor<512x512xf32>) -> tensor<256x512xf32> {
  %0 = kiln.matmul %a, %b : (tensor<256x512xf32>, tensor<512x512xf32>) -> tensor<256x512xf32>
  return %0 : tensor<256x512xf32>
}

// -----

// Against constant weights (packed at compile time, not per tile), a
// level-1 tile keeps few enough rows that A is read in place: 128 rows of
// 1024 (512 KB), where runtime weights take 256.
// CHECK-LABEL: func @matmul_weights(
// CHECK:         kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [128, 256, 256], vector = [8, 32, 1], pack, threads>
func.func @matmul_weights(%a: tensor<1024x1024xf32>) -> tensor<1024x256xf32> {
  %w = kiln.constant dense<0.5> : tensor<1024x256xf32>
  %0 = kiln.matmul %a, %w : (tensor<1024x1024xf32>, tensor<1024x256xf32>) -> tensor<1024x256xf32>
  return %0 : tensor<1024x256xf32>
}

// -----

// A matrix-vector product: one row, four vectors of columns, no packing,
// k blocks of 32 so that the register tiles walk the rows of B.
// CHECK-LABEL: func @gemv(
// CHECK:         schedule <contraction, tiles = [1, {{[0-9]+}}, 32], vector = [1, 64, 1], threads>
func.func @gemv(%a: tensor<1x768xf32>, %b: tensor<768x3072xf32>) -> tensor<1x3072xf32> {
  %0 = kiln.matmul %a, %b : (tensor<1x768xf32>, tensor<768x3072xf32>) -> tensor<1x3072xf32>
  return %0 : tensor<1x3072xf32>
}

// -----

// Against constant weights, a matrix-vector product packs them (laid out in
// panels at compile time, then streamed contiguously), in k blocks of 256.
// CHECK-LABEL: func @gemv_weights(
// CHECK:         schedule <contraction, tiles = [1, {{[0-9]+}}, 256], vector = [1, 64, 1], pack, threads>
func.func @gemv_weights(%a: tensor<1x768xf32>) -> tensor<1x1024xf32> {
  %w = kiln.constant dense<0.5> : tensor<768x1024xf32>
  %0 = kiln.matmul %a, %w : (tensor<1x768xf32>, tensor<768x1024xf32>) -> tensor<1x1024xf32>
  return %0 : tensor<1x1024xf32>
}

// -----

// So does a product of 8 rows against weights in 32-wide panels; against
// 1000 columns it stays unpacked (packing needs whole panels): 32-wide
// register tiles, each 125-column level-1 tile ending in a remainder.
// CHECK-LABEL: func @few_rows_weights(
// CHECK:         schedule <contraction, tiles = [8, {{[0-9]+}}, 256], vector = [8, 32, 1], pack, threads>
// CHECK:         schedule <contraction, tiles = [8, 125, 32], vector = [8, 32, 1], threads>
func.func @few_rows_weights(%a: tensor<8x512xf32>) -> (tensor<8x1024xf32>, tensor<8x1000xf32>) {
  %w = kiln.constant dense<0.5> : tensor<512x1024xf32>
  %v = kiln.constant dense<0.25> : tensor<512x1000xf32>
  %0 = kiln.matmul %a, %w : (tensor<8x512xf32>, tensor<512x1024xf32>) -> tensor<8x1024xf32>
  %1 = kiln.matmul %a, %v : (tensor<8x512xf32>, tensor<512x1000xf32>) -> tensor<8x1000xf32>
  return %0, %1 : tensor<8x1024xf32>, tensor<8x1000xf32>
}

// -----

// Elementwise and reduction kernels: outer loops tiled by 1 on threads, one
// vector along the innermost loop.
// CHECK-LABEL: func @elementwise(
// CHECK:         schedule <elementwise, tiles = [1, 0], vector = [1, 16], threads>
func.func @elementwise(%a: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %0 = kiln.tanh %a : tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// A row-normalizing kernel (x - sum) over rows of 512: 16 rows per tile and
// per vector, so that the row sums run across 16 rows at once.
// CHECK-LABEL: func @row_normalize(
// CHECK:         schedule <reduction, tiles = [16, 0], vector = [16, 16], threads>
#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @row_normalize(%a: tensor<256x512xf32>) -> tensor<256x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %sum = linalg.reduce ins(%a : tensor<256x512xf32>) outs(%f : tensor<256xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  %out = tensor.empty() : tensor<256x512xf32>
  %0 = linalg.generic {indexing_maps = [#rows, #row, #rows], iterator_types = ["parallel", "parallel"]} ins(%a, %sum : tensor<256x512xf32>, tensor<256xf32>) outs(%out : tensor<256x512xf32>) {
  ^bb0(%x: f32, %m: f32, %o: f32):
    %d = arith.subf %x, %m : f32
    linalg.yield %d : f32
  } -> tensor<256x512xf32>
  return %0 : tensor<256x512xf32>
}

// -----

// A convolution is a window contraction, loops (n, oh, ow, fo, fi, kh, kw,
// c) over panels of 32 filters: a register tile of 8 pixels x one panel,
// level-1 tiles of 4 output rows x both panels (4 tiles, for the threads),
// the 3 x 3 taps of 32 channels at a time.
// CHECK-LABEL: func @conv(
// CHECK:         kiln_kernel.dispatch "conv" schedule <conv, tiles = [1, 4, 0, 2, 0, 0, 0, 32], vector = [1, 1, 8, 1, 32, 1, 1, 1], threads>
// FIRST-LABEL: func @conv(
// FIRST:         schedule <conv, tiles = [1, 1, 0, 1, 0, 0, 0, 0], vector = [1, 1, 1, 1, 16, 1, 1, 1]>
func.func @conv(%x: tensor<1x64x16x16xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<1x64x16x16xf32> {
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x16x16xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x16x16xf32>
  return %0 : tensor<1x64x16x16xf32>
}
