// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="force='#kiln_kernel.schedule<contraction, tiles = [3, 16, 0], vector = [1, 16, 1]>'" -verify-diagnostics
// RUN: not kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="force=fastest" 2>&1 | FileCheck %s --check-prefix=TEXT
// RUN: not kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="force=100000" 2>&1 | FileCheck %s --check-prefix=INDEX

// TEXT: force='fastest' is neither a candidate index nor a #kiln_kernel.schedule<...> attribute
// INDEX: force=100000 but this dispatch has 40 candidate schedules

func.func @small(%a: tensor<8x32xf32>, %b: tensor<32x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{schedule sizes (tile 3, vector 1) do not divide loop 0 of extent 8}}
  %0 = kiln.matmul %a, %b : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}
