// RUN: kiln-opt %s -convert-kiln-to-linalg -kiln-conv-to-im2col -kiln-fuse -kiln-select-schedules=cost-model=heuristic -kiln-tile-and-vectorize | FileCheck %s

// A 23-pixel output row: register tiles of 12 pixels x 32 filters, then a
// remainder tile of 11 pixels, where only one-pixel tiles divided 23. The
// transpose back to NCHW goes 16 + 7 pixels per vector.
// CHECK-LABEL: func @conv_23(
// CHECK-DAG:   vector<1x1x12x1x32xf32>
// CHECK-DAG:   vector<1x1x11x1x32xf32>
// CHECK-DAG:   vector<1x16x1x16xf32>
// CHECK-DAG:   vector<1x16x1x7xf32>
func.func @conv_23(%x: tensor<1x16x23x23xf32>) -> tensor<1x32x23x23xf32> {
  %w = arith.constant dense<1.0> : tensor<32x16x3x3xf32>
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x23x23xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x23x23xf32>
  return %0 : tensor<1x32x23x23xf32>
}
