// RUN: kiln-opt %s -split-input-file -kiln-approximate-math | FileCheck %s

// f32 transcendentals become polynomial approximations (fma chains) that
// vectorize instead of calling libm.
// CHECK-LABEL: func @f32_scalar(
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.erf
// CHECK-NOT:     math.sin
// CHECK:         math.fma
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.erf
// CHECK-NOT:     math.sin
// CHECK:         return
func.func @f32_scalar(%x: f32) -> (f32, f32, f32, f32) {
  %0 = math.tanh %x : f32
  %1 = math.exp %x : f32
  %2 = math.erf %x : f32
  %3 = math.sin %x : f32
  return %0, %1, %2, %3 : f32, f32, f32, f32
}

// -----

// Vectors of f32 are approximated element by element with vector math.
// CHECK-LABEL: func @f32_vector(
// CHECK-NOT:     math.log
// CHECK:         math.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NOT:     math.log
// CHECK:         return
func.func @f32_vector(%v: vector<8xf32>) -> vector<8xf32> {
  %0 = math.log %v : vector<8xf32>
  return %0 : vector<8xf32>
}

// -----

// Functions outside the list (sqrt, powf) are kept.
// CHECK-LABEL: func @not_listed(
// CHECK-NEXT:    %[[S:.*]] = math.sqrt %{{.*}} : f32
// CHECK-NEXT:    %[[P:.*]] = math.powf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:    return %[[S]], %[[P]]
func.func @not_listed(%x: f32) -> (f32, f32) {
  %0 = math.sqrt %x : f32
  %1 = math.powf %x, %x : f32
  return %0, %1 : f32, f32
}

// -----

// f64 keeps the accurate libm implementations.
// CHECK-LABEL: func @f64_kept(
// CHECK-NEXT:    %[[T:.*]] = math.tanh %{{.*}} : f64
// CHECK-NEXT:    %[[E:.*]] = math.exp %{{.*}} : f64
// CHECK-NEXT:    return %[[T]], %[[E]]
func.func @f64_kept(%x: f64) -> (f64, f64) {
  %0 = math.tanh %x : f64
  %1 = math.exp %x : f64
  return %0, %1 : f64, f64
}
