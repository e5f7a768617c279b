// RUN: kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules=cost-model=heuristic -kiln-report-slow-paths -verify-diagnostics -o /dev/null
// RUN: not kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules=cost-model=heuristic -kiln-report-slow-paths=fail-on-slow-path -o /dev/null 2>&1 | FileCheck %s --check-prefix=FAIL

// 23 is prime: no register tile divides it, so the contraction is computed
// one element at a time.
func.func @prime_extents(%a: tensor<23x23xf32>, %b: tensor<23x23xf32>) -> tensor<23x23xf32> {
  // expected-warning @+1 {{slow path: dispatch 'contraction': a one-element register tile: loop 0 (extent 23), loop 1 (extent 23) get register tiles of 1}}
  %0 = kiln.matmul %a, %b : (tensor<23x23xf32>, tensor<23x23xf32>) -> tensor<23x23xf32>
  return %0 : tensor<23x23xf32>
}

// -----

// A dynamic batch turns the matmul into a reduction without a register tile.
func.func @dynamic_rows(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>) -> tensor<?x64xf32> {
  // expected-warning @+1 {{slow path: dispatch 'contraction': a contraction with dynamic extents (loop 0 (dynamic), loop 1 (extent 64), loop 2 (extent 64)) is compiled as a reduction}}
  %0 = kiln.matmul %a, %b : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

func.func @odd_elementwise(%a: tensor<7x23xf32>) -> tensor<7x23xf32> {
  // expected-warning @+1 {{slow path: dispatch 'elementwise': an unvectorized loop nest: loop 0 (extent 7), loop 1 (extent 23) get register tiles of 1}}
  %0 = kiln.relu %a : tensor<7x23xf32>
  return %0 : tensor<7x23xf32>
}

// -----

// Sizes the tiles divide: nothing to report.
func.func @divisible(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = kiln.matmul %a, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %1 = kiln.relu %0 : tensor<64x64xf32>
  return %1 : tensor<64x64xf32>
}

// FAIL: warning: slow path: dispatch 'contraction': a one-element register tile
// FAIL: warning: slow path: dispatch 'contraction': a contraction with dynamic extents
// FAIL: warning: slow path: dispatch 'elementwise': an unvectorized loop nest
