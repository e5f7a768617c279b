// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="force='#kiln_kernel.schedule<contraction, tiles = [3, 16, 0], vector = [1, 16, 1]>'" -verify-diagnostics
// RUN: not kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="force=fastest" 2>&1 | FileCheck %s --check-prefix=TEXT
// RUN: not kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="force=100000" 2>&1 | FileCheck %s --check-prefix=INDEX
// RUN: not kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-conv-to-im2col -kiln-fuse -kiln-select-schedules="force='#kiln_kernel.schedule<conv, tiles = [1, 4, 0, 2, 0, 0, 0, 0], vector = [1, 1, 8, 1, 32, 3, 1, 1]>'" 2>&1 | FileCheck %s --check-prefix=CONV

// TEXT: force='fastest' is neither a candidate index nor a #kiln_kernel.schedule<...> attribute
// INDEX: force=100000 but this dispatch has 40 candidate schedules
// CONV: error: 'kiln_kernel.dispatch' op a conv's register tile spans its pixel, filter and channel loops only, not loop 5

func.func @small(%a: tensor<8x32xf32>, %b: tensor<32x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{schedule's level-1 tile 3 does not divide loop 0 of extent 8}}
  %0 = kiln.matmul %a, %b : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @conv(%x: tensor<1x64x16x16xf32>) -> tensor<1x64x16x16xf32> {
  %w = arith.constant dense<1.0> : tensor<64x64x3x3xf32>
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x16x16xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x16x16xf32>
  return %0 : tensor<1x64x16x16xf32>
}
