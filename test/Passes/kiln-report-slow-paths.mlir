// RUN: kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules=cost-model=heuristic -kiln-report-slow-paths -verify-diagnostics -o /dev/null
// RUN: kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules=cost-model=heuristic -kiln-report-slow-paths=fail-on-slow-path -o /dev/null
// RUN: not kiln-opt %s -split-input-file -kiln-decompose -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="force='#kiln_kernel.schedule<contraction, tiles = [0, 0, 0], vector = [1, 1, 1]>'" -kiln-report-slow-paths=fail-on-slow-path -o /dev/null 2>&1 | FileCheck %s --check-prefix=FORCED

// Extents no tile divides, a dynamic batch and odd elementwise shapes: the
// register tiles leave a remainder tile instead of shrinking to one element,
// so nothing is reported.
func.func @prime_extents(%a: tensor<23x23xf32>, %b: tensor<23x23xf32>) -> tensor<23x23xf32> {
  %0 = kiln.matmul %a, %b : (tensor<23x23xf32>, tensor<23x23xf32>) -> tensor<23x23xf32>
  return %0 : tensor<23x23xf32>
}

// -----

func.func @dynamic_rows(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>) -> tensor<?x64xf32> {
  %0 = kiln.matmul %a, %b : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

func.func @odd_elementwise(%a: tensor<7x23xf32>) -> tensor<7x23xf32> {
  %0 = kiln.relu %a : tensor<7x23xf32>
  return %0 : tensor<7x23xf32>
}

// -----

func.func @divisible(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = kiln.matmul %a, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// A schedule forced to one element per register tile is reported, with the
// loops it leaves scalar; a dynamic loop is named as such.
// FORCED: warning: slow path: dispatch 'contraction': a one-element register tile: loop 0 (extent 23), loop 1 (extent 23) get register tiles of 1
// FORCED: warning: slow path: dispatch 'contraction': a one-element register tile: loop 0 (dynamic), loop 1 (extent 64) get register tiles of 1
// FORCED: warning: slow path: dispatch 'contraction': a one-element register tile: loop 0 (extent 64), loop 1 (extent 64) get register tiles of 1
