// RUN: kiln-opt %s --allow-unregistered-dialect | kiln-opt --allow-unregistered-dialect | FileCheck %s

// CHECK-LABEL: func @dispatch(
// CHECK:         %[[R:.*]] = kiln_kernel.dispatch "contraction" schedule <contraction, tiles = [64, 128, 256], vector = [8, 32, 1], pack, threads> -> tensor<8x64xf32> {
// CHECK:           %[[M:.*]] = linalg.matmul
// CHECK:           kiln_kernel.yield %[[M]] : tensor<8x64xf32>
// CHECK:         }
// CHECK:         return %[[R]]
func.func @dispatch(%a: tensor<8x32xf32>, %b: tensor<32x64xf32>, %c: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = kiln_kernel.dispatch "contraction" schedule #kiln_kernel.schedule<contraction, tiles = [64, 128, 256], vector = [8, 32, 1], pack, threads> -> tensor<8x64xf32> {
    %1 = linalg.matmul ins(%a, %b : tensor<8x32xf32>, tensor<32x64xf32>) outs(%c : tensor<8x64xf32>) -> tensor<8x64xf32>
    kiln_kernel.yield %1 : tensor<8x64xf32>
  }
  return %0 : tensor<8x64xf32>
}

// A dispatch without a schedule, attributes, and a schedule with neither
// packing nor threads.
// CHECK-LABEL: func @unscheduled(
// CHECK:         kiln_kernel.dispatch "elementwise" -> tensor<4xf32> attributes {note = "x"} {
// CHECK:         "test.schedule"() {s = #kiln_kernel.schedule<elementwise, tiles = [0], vector = [4]>}
func.func @unscheduled(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln_kernel.dispatch "elementwise" -> tensor<4xf32> attributes {note = "x"} {
    kiln_kernel.yield %a : tensor<4xf32>
  }
  "test.schedule"() {s = #kiln_kernel.schedule<elementwise, tiles = [0], vector = [4]>} : () -> ()
  return %0 : tensor<4xf32>
}
