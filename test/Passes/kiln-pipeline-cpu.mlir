// RUN: kiln-opt %s --kiln-pipeline-cpu="vector-width=16" | FileCheck %s --implicit-check-not="{{(linalg|tensor|memref|bufferization|scf|vector|math|arith|cf|func)\.[a-z_]+}}" --implicit-check-not="{{kiln\.[a-z_]+ %}}"
// RUN: kiln-opt %s --kiln-pipeline-cpu="vector-width=8" | FileCheck %s --check-prefix=VEC8
// RUN: kiln-opt %s --kiln-pipeline-cpu="opt-level=0" | FileCheck %s --check-prefix=O0

// The whole CPU pipeline takes kiln graph IR to the LLVM dialect: the
// function, its C interface wrapper, the packed runtime entry point and the
// metadata string; nothing of the tensor-level dialects is left. The gemm
// has no direct lowering, so reaching LLVM also shows kiln-decompose ran.

// CHECK:       module attributes {kiln.metadata =
// CHECK:       llvm.func @main(
// CHECK-SAME:    attributes {llvm.emit_c_interface}
// The elementwise add + relu is vectorized at the requested width.
// CHECK:         llvm.fadd %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK:         llvm.intr.maximum(%{{.*}}, %{{.*}}) : (vector<16xf32>, vector<16xf32>) -> vector<16xf32>
// CHECK:       llvm.func @_mlir_ciface_main(
// CHECK:       llvm.func @_kiln_entry_main(%[[ARGS:.*]]: !llvm.ptr) {
// CHECK:         llvm.call @_mlir_ciface_main(
// CHECK:       llvm.mlir.global external constant @kiln_metadata("{\22entries\22:[{\22inputs\22:[{\22dtype\22:\22float32\22,\22name\22:\22x\22,\22shape\22:[4,64]},{\22dtype\22:\22float32\22,\22name\22:\22input1\22,\22shape\22:[64]},{{.*}}\22name\22:\22main\22,\22outputs\22:[{\22dtype\22:\22float32\22,\22name\22:\22y\22,\22shape\22:[4,64]}]}],\22format\22:\22kiln-1\22}\00")

// With vector-width=8 the elementwise code uses 8 lanes.
// VEC8-NOT:    llvm.intr.maximum{{.*}}vector<16xf32>
// VEC8:        llvm.intr.maximum(%{{.*}}, %{{.*}}) : (vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// VEC8-NOT:    llvm.intr.maximum{{.*}}vector<16xf32>
// VEC8:        llvm.func @_kiln_entry_main(

// At opt-level=0 nothing is tiled or vectorized: scalar code only.
// O0-NOT:      vector<
// O0:          llvm.fadd %{{.*}}, %{{.*}} : f32
// O0-NOT:      vector<
// O0:          llvm.func @_kiln_entry_main(
// O0-NOT:      vector<
// O0:          llvm.mlir.global external constant @kiln_metadata(

func.func @main(%x: tensor<4x64xf32> {kiln.name = "x"}, %b: tensor<64xf32>, %w: tensor<64x64xf32>) -> (tensor<4x64xf32> {kiln.name = "y"}) {
  %0 = kiln.add %x, %b : (tensor<4x64xf32>, tensor<64xf32>) -> tensor<4x64xf32>
  %1 = kiln.relu %0 : tensor<4x64xf32>
  %2 = kiln.gemm %1, %w {trans_b = true} : (tensor<4x64xf32>, tensor<64x64xf32>) -> tensor<4x64xf32>
  return %2 : tensor<4x64xf32>
}
