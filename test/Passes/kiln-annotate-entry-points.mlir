// RUN: kiln-opt %s -split-input-file -verify-diagnostics -kiln-annotate-entry-points | FileCheck %s

// The module gets a JSON description of each public function: names from
// `kiln.name` (else inputN / outputN), NumPy dtypes, shapes with -1 for
// dynamic dimensions; public functions get a C interface wrapper. Private
// functions and declarations are not entry points.
// CHECK:       module attributes {kiln.metadata = "{\22entries\22:[
// CHECK-SAME:    {\22inputs\22:[{\22dtype\22:\22float32\22,\22name\22:\22images\22,\22shape\22:[-1,3]},{\22dtype\22:\22bool\22,\22name\22:\22input1\22,\22shape\22:[4]}],
// CHECK-SAME:    \22name\22:\22main\22,
// CHECK-SAME:    \22outputs\22:[{\22dtype\22:\22float64\22,\22name\22:\22logits\22,\22shape\22:[-1,10]},{\22dtype\22:\22int64\22,\22name\22:\22output1\22,\22shape\22:[]}]},
// CHECK-SAME:    {\22inputs\22:[{\22dtype\22:\22uint8\22,\22name\22:\22input0\22,\22shape\22:[2,2]},{\22dtype\22:\22int8\22,{{.*}}{\22dtype\22:\22int16\22,{{.*}}{\22dtype\22:\22int32\22,{{.*}}{\22dtype\22:\22float16\22,\22name\22:\22input4\22,\22shape\22:[5]}],
// CHECK-SAME:    \22name\22:\22second\22,\22outputs\22:[]}],
// CHECK-SAME:    \22format\22:\22kiln-1\22}"}
// CHECK:         func.func @main({{.*}}) -> ({{.*}}) attributes {llvm.emit_c_interface}
// CHECK:         func.func private @helper(%{{.*}}: index) -> index {
// CHECK:         func.func private @declaration(tensor<2xf32>) -> tensor<2xf32>{{$}}
// CHECK:         func.func @second({{.*}}) attributes {llvm.emit_c_interface}
func.func @main(%x: tensor<?x3xf32> {kiln.name = "images"}, %m: tensor<4xi1>) -> (tensor<?x10xf64> {kiln.name = "logits"}, tensor<i64>) {
  %0 = tensor.empty() : tensor<i64>
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?x3xf32>
  %1 = tensor.empty(%d) : tensor<?x10xf64>
  return %1, %0 : tensor<?x10xf64>, tensor<i64>
}
func.func private @helper(%x: index) -> index {
  return %x : index
}
func.func private @declaration(tensor<2xf32>) -> tensor<2xf32>
func.func @second(%a: tensor<2x2xui8>, %b: tensor<8xi8>, %c: tensor<1xi16>, %d: tensor<3xi32>, %e: tensor<5xf16>) {
  return
}

// -----

// A module without public functions has no entries.
// CHECK:       module attributes {kiln.metadata = "{\22entries\22:[],\22format\22:\22kiln-1\22}"}
// CHECK-NOT:     llvm.emit_c_interface
func.func private @only_private(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

// -----

// A public function with a non-tensor argument cannot be an entry point.
// expected-error @+1 {{entry point 'index_argument' input 0 has type 'index'; expected a ranked tensor of f16, f32, f64, i1, i8, i16, i32, i64 or ui8}}
func.func @index_argument(%x: index) -> tensor<2xf32> {
  %0 = tensor.empty() : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// An element type the runtime cannot carry is refused too.
// expected-error @+1 {{entry point 'bf16_argument' input 1 has type 'tensor<2xbf16>'; expected a ranked tensor}}
func.func @bf16_argument(%x: tensor<2xf32>, %y: tensor<2xbf16>) {
  return
}

// -----

// So is an unranked result.
// expected-error @+1 {{entry point 'unranked_result' output 0 has type 'tensor<*xf32>'; expected a ranked tensor}}
func.func @unranked_result(%x: tensor<2xf32>) -> tensor<*xf32> {
  %0 = tensor.cast %x : tensor<2xf32> to tensor<*xf32>
  return %0 : tensor<*xf32>
}
