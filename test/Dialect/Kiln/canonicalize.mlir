// RUN: kiln-opt %s -split-input-file -canonicalize | FileCheck %s

// Splat float constants fold.
// CHECK-LABEL: func @fold_add_splat(
// CHECK:         %[[C:.*]] = kiln.constant dense<3.500000e+00> : tensor<2x2xf32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_add_splat() -> tensor<2x2xf32> {
  %a = kiln.constant dense<1.5> : tensor<2x2xf32>
  %b = kiln.constant dense<2.0> : tensor<2x2xf32>
  %0 = kiln.add %a, %b : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Integer constants fold with broadcasting ([2, 1] x [3]).
// CHECK-LABEL: func @fold_mul_broadcast_int(
// CHECK:         %[[C:.*]] = kiln.constant dense<{{\[\[}}10, 20, 30], [20, 40, 60]]> : tensor<2x3xi32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_mul_broadcast_int() -> tensor<2x3xi32> {
  %a = kiln.constant dense<[[1], [2]]> : tensor<2x1xi32>
  %b = kiln.constant dense<[10, 20, 30]> : tensor<3xi32>
  %0 = kiln.mul %a, %b : (tensor<2x1xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// Non-splat float sub and div fold, with a broadcast 0-D operand.
// CHECK-LABEL: func @fold_sub_div_float(
// CHECK:         %[[C:.*]] = kiln.constant dense<[-5.000000e-01, 1.000000e+00, 3.500000e+00]> : tensor<3xf32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_sub_div_float() -> tensor<3xf32> {
  %a = kiln.constant dense<[1.0, 4.0, 9.0]> : tensor<3xf32>
  %b = kiln.constant dense<2.0> : tensor<f32>
  %0 = kiln.sub %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %1 = kiln.div %0, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}

// -----

// Integer division folds rounding toward zero.
// CHECK-LABEL: func @fold_div_int(
// CHECK:         %[[C:.*]] = kiln.constant dense<[3, -3, 4]> : tensor<3xi32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_div_int() -> tensor<3xi32> {
  %a = kiln.constant dense<[7, -7, 8]> : tensor<3xi32>
  %b = kiln.constant dense<2> : tensor<3xi32>
  %0 = kiln.div %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// Integer folds wrap around like arith's ops; INT64_MIN / -1 does not trap.
// CHECK-LABEL: func @fold_int_wrap(
// CHECK-DAG:     %[[MIN:.*]] = kiln.constant dense<-9223372036854775808> : tensor<i64>
// CHECK-DAG:     %[[ZERO:.*]] = kiln.constant dense<0> : tensor<i64>
// CHECK-DAG:     %[[SUM:.*]] = kiln.constant dense<-2> : tensor<i64>
// CHECK-DAG:     %[[MIN32:.*]] = kiln.constant dense<-2147483648> : tensor<i32>
// CHECK:         return %[[MIN]], %[[ZERO]], %[[SUM]], %[[MIN32]]
func.func @fold_int_wrap() -> (tensor<i64>, tensor<i64>, tensor<i64>, tensor<i32>) {
  %min = kiln.constant dense<-9223372036854775808> : tensor<i64>
  %max = kiln.constant dense<9223372036854775807> : tensor<i64>
  %m1 = kiln.constant dense<-1> : tensor<i64>
  %0 = kiln.div %min, %m1 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %1 = kiln.mod %min, %m1 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %2 = kiln.add %max, %max : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %min32 = kiln.constant dense<-2147483648> : tensor<i32>
  %m132 = kiln.constant dense<-1> : tensor<i32>
  %3 = kiln.div %min32, %m132 : (tensor<i32>, tensor<i32>) -> tensor<i32>
  return %0, %1, %2, %3 : tensor<i64>, tensor<i64>, tensor<i64>, tensor<i32>
}
// -----

// Integer division by zero is not folded.
// CHECK-LABEL: func @no_fold_div_int_by_zero(
// CHECK:         kiln.div
func.func @no_fold_div_int_by_zero() -> tensor<2xi32> {
  %a = kiln.constant dense<[7, 8]> : tensor<2xi32>
  %b = kiln.constant dense<[1, 0]> : tensor<2xi32>
  %0 = kiln.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// mod folds with the sign of the divisor, like Python's %.
// CHECK-LABEL: func @fold_mod(
// CHECK:         %[[C:.*]] = kiln.constant dense<[1, -1, -2, 2]> : tensor<4xi32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_mod() -> tensor<4xi32> {
  %a = kiln.constant dense<[7, -7, 7, -7]> : tensor<4xi32>
  %b = kiln.constant dense<[3, -3, -3, 3]> : tensor<4xi32>
  %0 = kiln.mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// max and min fold with NaN from either side, as arith.maximumf /
// arith.minimumf compute at run time.
// CHECK-LABEL: func @fold_max_min_nan(
// CHECK:         %[[MAX:.*]] = kiln.constant dense<[0x7FC00000, 0x7FC00000, 3.000000e+00]> : tensor<3xf32>
// CHECK:         %[[MIN:.*]] = kiln.constant dense<[0x7FC00000, 0x7FC00000, 1.000000e+00]> : tensor<3xf32>
// CHECK:         return %[[MAX]], %[[MIN]]
func.func @fold_max_min_nan() -> (tensor<3xf32>, tensor<3xf32>) {
  %a = kiln.constant dense<[1.0, 0x7FC00000, 3.0]> : tensor<3xf32>
  %b = kiln.constant dense<[0x7FC00000, 1.0, 1.0]> : tensor<3xf32>
  %0 = kiln.max %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.min %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// x + 0, x * 1, x - 0, x / 1 and x ^ 1 are x when the constant broadcasts
// into x's type; 0 + x is reordered first (add is commutative).
// CHECK-LABEL: func @identities(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>, %[[I:.*]]: tensor<4xi32>)
// CHECK-NOT:     kiln.
// CHECK:         return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[I]], %[[I]]
func.func @identities(%x: tensor<2x3xf32>, %i: tensor<4xi32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<4xi32>, tensor<4xi32>) {
  %zero = kiln.constant dense<0.0> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<3xf32>
  %0 = kiln.add %x, %zero : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %1 = kiln.mul %x, %one : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = kiln.sub %x, %zero : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %3 = kiln.div %x, %one : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %4 = kiln.pow %x, %one : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %5 = kiln.add %zero, %x : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %izero = kiln.constant dense<0> : tensor<4xi32>
  %ione = kiln.constant dense<1> : tensor<i32>
  %6 = kiln.add %i, %izero : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %7 = kiln.mul %i, %ione : (tensor<4xi32>, tensor<i32>) -> tensor<4xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<4xi32>, tensor<4xi32>
}

// -----

// The identities do not apply when broadcasting makes the result larger
// than x.
// CHECK-LABEL: func @no_identity_when_broadcasting(
// CHECK:         kiln.add %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         kiln.mul %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
// CHECK:         kiln.sub %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         kiln.div %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
func.func @no_identity_when_broadcasting(%x: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %zero = kiln.constant dense<0.0> : tensor<2x3xf32>
  %one = kiln.constant dense<1.0> : tensor<2x1xf32>
  %0 = kiln.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = kiln.mul %x, %one : (tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %2 = kiln.sub %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = kiln.div %x, %one : (tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// 0 - x and 1 / x are not x.
// CHECK-LABEL: func @no_identity_on_the_left(
// CHECK:         kiln.sub
// CHECK:         kiln.div
func.func @no_identity_on_the_left(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %zero = kiln.constant dense<0.0> : tensor<3xf32>
  %one = kiln.constant dense<1.0> : tensor<3xf32>
  %0 = kiln.sub %zero, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.div %one, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// max(x, x) and min(x, x) are x.
// CHECK-LABEL: func @max_min_same(
// CHECK-SAME:    %[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT:    return %[[X]], %[[X]]
func.func @max_min_same(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = kiln.max %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.min %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// neg(neg(x)) and not(not(x)) are x; relu(relu(x)) is relu(x).
// CHECK-LABEL: func @involutions(
// CHECK-SAME:    %[[X:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xi1>)
// CHECK-NEXT:    %[[R:.*]] = kiln.relu %[[X]] : tensor<4xf32>
// CHECK-NEXT:    return %[[X]], %[[B]], %[[R]]
func.func @involutions(%x: tensor<4xf32>, %b: tensor<4xi1>) -> (tensor<4xf32>, tensor<4xi1>, tensor<4xf32>) {
  %0 = kiln.neg %x : tensor<4xf32>
  %1 = kiln.neg %0 : tensor<4xf32>
  %2 = kiln.not %b : tensor<4xi1>
  %3 = kiln.not %2 : tensor<4xi1>
  %4 = kiln.relu %x : tensor<4xf32>
  %5 = kiln.relu %4 : tensor<4xf32>
  return %1, %3, %5 : tensor<4xf32>, tensor<4xi1>, tensor<4xf32>
}

// -----

// Float unary ops fold on constants.
// CHECK-LABEL: func @fold_unary_constants(
// CHECK-DAG:     %[[EXP:.*]] = kiln.constant dense<[1.000000e+00, 54.5981483]> : tensor<2xf32>
// CHECK-DAG:     %[[SQRT:.*]] = kiln.constant dense<[0.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[RELU:.*]] = kiln.constant dense<[0.000000e+00, 2.500000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[NEG:.*]] = kiln.constant dense<[1.500000e+00, -2.500000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[ROUND:.*]] = kiln.constant dense<[-2.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[CEIL:.*]] = kiln.constant dense<[-1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[RECIP:.*]] = kiln.constant dense<[-0.666666686, 4.000000e-01]> : tensor<2xf32>
// CHECK-NOT:     kiln.{{exp|sqrt|relu|neg|round|ceil|reciprocal}}
// CHECK:         return %[[EXP]], %[[SQRT]], %[[RELU]], %[[NEG]], %[[ROUND]], %[[CEIL]], %[[RECIP]]
func.func @fold_unary_constants() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %c = kiln.constant dense<[0.0, 4.0]> : tensor<2xf32>
  %0 = kiln.exp %c : tensor<2xf32>
  %1 = kiln.sqrt %c : tensor<2xf32>
  %n = kiln.constant dense<[-1.5, 2.5]> : tensor<2xf32>
  %2 = kiln.relu %n : tensor<2xf32>
  %3 = kiln.neg %n : tensor<2xf32>
  %4 = kiln.round %n : tensor<2xf32>
  %5 = kiln.ceil %n : tensor<2xf32>
  %6 = kiln.reciprocal %n : tensor<2xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// Folds agree with the lowering at the edges: softplus does not overflow
// for large inputs, and relu keeps NaN.
// CHECK-LABEL: func @fold_unary_edges(
// CHECK-DAG:     %[[SP:.*]] = kiln.constant dense<[1.000000e+03, 0.000000e+00, 0.69314718055994529]> : tensor<3xf64>
// CHECK-DAG:     %[[RELU:.*]] = kiln.constant dense<[0x7FC00000, 0.000000e+00]> : tensor<2xf32>
// CHECK:         return %[[SP]], %[[RELU]]
func.func @fold_unary_edges() -> (tensor<3xf64>, tensor<2xf32>) {
  %c = kiln.constant dense<[1000.0, -1000.0, 0.0]> : tensor<3xf64>
  %0 = kiln.softplus %c : tensor<3xf64>
  %n = kiln.constant dense<[0x7FC00000, -1.0]> : tensor<2xf32>
  %1 = kiln.relu %n : tensor<2xf32>
  return %0, %1 : tensor<3xf64>, tensor<2xf32>
}
// -----

// Constants larger than the folding limit stay as they are.
// CHECK-LABEL: func @no_fold_large_constant(
// CHECK:         kiln.exp
func.func @no_fold_large_constant() -> tensor<64x65xf32> {
  %c = kiln.constant dense<1.0> : tensor<64x65xf32>
  %0 = kiln.exp %c : tensor<64x65xf32>
  return %0 : tensor<64x65xf32>
}

// -----

// transpose(transpose(x)) composes the permutations; when the composition
// is the identity, it disappears.
// CHECK-LABEL: func @transpose_compose(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[T:.*]] = kiln.transpose %[[X]] {perm = array<i64: 1, 0, 2>} : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
// CHECK-NEXT:    return %[[X]], %[[T]]
func.func @transpose_compose(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<3x2x4xf32>) {
  %0 = kiln.transpose %x {perm = array<i64: 1, 2, 0>} : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = kiln.transpose %0 {perm = array<i64: 2, 0, 1>} : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  %2 = kiln.transpose %0 {perm = array<i64: 0, 2, 1>} : tensor<3x4x2xf32> -> tensor<3x2x4xf32>
  return %1, %2 : tensor<2x3x4xf32>, tensor<3x2x4xf32>
}

// -----

// The identity permutation folds away, also on dynamic shapes.
// CHECK-LABEL: func @transpose_identity(
// CHECK-SAME:    %[[X:.*]]: tensor<?x3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @transpose_identity(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 0, 1>} : tensor<?x3xf32> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// A chain of reshapes becomes one reshape of the original input.
// CHECK-LABEL: func @reshape_chain(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[R:.*]] = kiln.reshape %[[X]] {shape = array<i64: 24>} : tensor<2x3x4xf32> -> tensor<24xf32>
// CHECK-NEXT:    return %[[R]]
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  %0 = kiln.reshape %x {shape = array<i64: 6, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = kiln.reshape %0 {shape = array<i64: -1>} : tensor<6x4xf32> -> tensor<24xf32>
  return %1 : tensor<24xf32>
}

// -----

// A reshape to the same static type is a no-op.
// CHECK-LABEL: func @reshape_same_type(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @reshape_same_type(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.reshape %x {shape = array<i64: 0, 0, -1>} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// A round trip through reshapes back to the input type disappears.
// CHECK-LABEL: func @reshape_round_trip(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @reshape_round_trip(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.reshape %x {shape = array<i64: 6, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = kiln.reshape %0 {shape = array<i64: 2, 3, 4>} : tensor<6x4xf32> -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// A reshape of a constant folds into a constant of the new shape.
// CHECK-LABEL: func @reshape_constant(
// CHECK:         %[[C:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT:    return %[[C]]
func.func @reshape_constant() -> tensor<2x2xf32> {
  %c = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = kiln.reshape %c {shape = array<i64: 2, 2>} : tensor<4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// squeeze, unsqueeze and flatten become reshapes; a dynamic dimension
// becomes -1.
// CHECK-LABEL: func @to_reshape(
// CHECK-SAME:    %[[X:.*]]: tensor<4x1x3xf32>, %[[D:.*]]: tensor<?x3xf32>)
// CHECK-NEXT:    %[[S:.*]] = kiln.reshape %[[X]] {shape = array<i64: 4, 3>} : tensor<4x1x3xf32> -> tensor<4x3xf32>
// CHECK-NEXT:    %[[U:.*]] = kiln.reshape %[[D]] {shape = array<i64: 1, -1, 3>} : tensor<?x3xf32> -> tensor<1x?x3xf32>
// CHECK-NEXT:    %[[F:.*]] = kiln.reshape %[[X]] {shape = array<i64: 4, 3>} : tensor<4x1x3xf32> -> tensor<4x3xf32>
// CHECK-NEXT:    return %[[S]], %[[U]], %[[F]]
func.func @to_reshape(%x: tensor<4x1x3xf32>, %d: tensor<?x3xf32>) -> (tensor<4x3xf32>, tensor<1x?x3xf32>, tensor<4x3xf32>) {
  %0 = kiln.squeeze %x {axes = array<i64: 1>} : tensor<4x1x3xf32> -> tensor<4x3xf32>
  %1 = kiln.unsqueeze %d {axes = array<i64: 0>} : tensor<?x3xf32> -> tensor<1x?x3xf32>
  %2 = kiln.flatten %x {axis = 1 : i64} : tensor<4x1x3xf32> -> tensor<4x3xf32>
  return %0, %1, %2 : tensor<4x3xf32>, tensor<1x?x3xf32>, tensor<4x3xf32>
}

// -----

// A flatten of a reshape becomes one reshape of the original input.
// CHECK-LABEL: func @flatten_of_reshape(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[R:.*]] = kiln.reshape %[[X]] {shape = array<i64: 6, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK-NEXT:    return %[[R]]
func.func @flatten_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = kiln.reshape %x {shape = array<i64: 6, 2, 2>} : tensor<2x3x4xf32> -> tensor<6x2x2xf32>
  %1 = kiln.flatten %0 {axis = 1 : i64} : tensor<6x2x2xf32> -> tensor<6x4xf32>
  return %1 : tensor<6x4xf32>
}

// -----

// Two dynamic dimensions cannot be written as one reshape: no rewrite.
// CHECK-LABEL: func @squeeze_two_dynamic(
// CHECK:         kiln.squeeze
func.func @squeeze_two_dynamic(%x: tensor<?x1x?xf32>) -> tensor<?x?xf32> {
  %0 = kiln.squeeze %x {axes = array<i64: 1>} : tensor<?x1x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A size-0 dimension cannot be written in a reshape shape (0 means copy):
// no rewrite.
// CHECK-LABEL: func @unsqueeze_zero_size(
// CHECK:         kiln.unsqueeze
func.func @unsqueeze_zero_size(%x: tensor<0x4xf32>) -> tensor<1x0x4xf32> {
  %0 = kiln.unsqueeze %x {axes = array<i64: 0>} : tensor<0x4xf32> -> tensor<1x0x4xf32>
  return %0 : tensor<1x0x4xf32>
}

// -----

// A cast to the same type is a no-op.
// CHECK-LABEL: func @cast_identity(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @cast_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.cast %x : tensor<2x3xf32> to tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Casts of constants fold: float to int truncates toward zero, narrowing
// rounds to nearest, anything non-zero is true, and true is 1.
// CHECK-LABEL: func @cast_constants(
// CHECK-DAG:     %[[I:.*]] = kiln.constant dense<[-1, 2, 0]> : tensor<3xi32>
// CHECK-DAG:     %[[H:.*]] = kiln.constant dense<[-1.700200e+00, 2.900390e+00, 0.000000e+00]> : tensor<3xf16>
// CHECK-DAG:     %[[B:.*]] = kiln.constant dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG:     %[[F:.*]] = kiln.constant dense<[1.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[E:.*]] = kiln.constant dense<[1, 0]> : tensor<2xi32>
// CHECK:         return %[[I]], %[[H]], %[[B]], %[[F]], %[[E]]
func.func @cast_constants() -> (tensor<3xi32>, tensor<3xf16>, tensor<3xi1>, tensor<2xf32>, tensor<2xi32>) {
  %c = kiln.constant dense<[-1.7, 2.9, 0.0]> : tensor<3xf32>
  %0 = kiln.cast %c : tensor<3xf32> to tensor<3xi32>
  %1 = kiln.cast %c : tensor<3xf32> to tensor<3xf16>
  %2 = kiln.cast %c : tensor<3xf32> to tensor<3xi1>
  %b = kiln.constant dense<[true, false]> : tensor<2xi1>
  %3 = kiln.cast %b : tensor<2xi1> to tensor<2xf32>
  %4 = kiln.cast %b : tensor<2xi1> to tensor<2xi32>
  return %0, %1, %2, %3, %4 : tensor<3xi32>, tensor<3xf16>, tensor<3xi1>, tensor<2xf32>, tensor<2xi32>
}

// -----

// A float to int cast of a value the integer cannot hold is not folded (it
// is poison in arith); the extremes that fit are.
// CHECK-LABEL: func @cast_out_of_range(
// CHECK-DAG:     %[[FITS:.*]] = kiln.constant dense<[127, -128]> : tensor<2xi8>
// CHECK-DAG:     %[[BIG:.*]] = kiln.constant dense<[3.000000e+02, 1.000000e+00]> : tensor<2xf32>
// CHECK:         %[[CAST:.*]] = kiln.cast %[[BIG]] : tensor<2xf32> to tensor<2xi8>
// CHECK:         return %[[FITS]], %[[CAST]]
func.func @cast_out_of_range() -> (tensor<2xi8>, tensor<2xi8>) {
  %a = kiln.constant dense<[127.9, -128.5]> : tensor<2xf32>
  %0 = kiln.cast %a : tensor<2xf32> to tensor<2xi8>
  %b = kiln.constant dense<[300.0, 1.0]> : tensor<2xf32>
  %1 = kiln.cast %b : tensor<2xf32> to tensor<2xi8>
  return %0, %1 : tensor<2xi8>, tensor<2xi8>
}
// -----

// A concat of one input is that input.
// CHECK-LABEL: func @concat_single(
// CHECK-SAME:    %[[X:.*]]: tensor<?x3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @concat_single(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = kiln.concat %x {axis = 0 : i64} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// A slice that takes everything (ends clamped) is its input.
// CHECK-LABEL: func @slice_full(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    return %[[X]], %[[X]]
func.func @slice_full(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = kiln.slice %x {starts = array<i64: 0>, ends = array<i64: 100>, axes = array<i64: 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = kiln.slice %x {starts = array<i64: -5, 0>, ends = array<i64: 2, 3>, steps = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A slice over a dynamic dimension may drop elements: kept.
// CHECK-LABEL: func @slice_dynamic_kept(
// CHECK:         kiln.slice
func.func @slice_dynamic_kept(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = kiln.slice %x {starts = array<i64: 1>, ends = array<i64: 100>} : tensor<?x3xf32> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// A full slice backwards reverses the input: kept.
// CHECK-LABEL: func @slice_reverse_kept(
// CHECK:         kiln.slice
func.func @slice_reverse_kept(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.slice %x {starts = array<i64: -1>, ends = array<i64: -100>, steps = array<i64: -1>} : tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// An expand to the input's own shape is a no-op.
// CHECK-LABEL: func @expand_same_type(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @expand_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.expand %x {shape = array<i64: 1, 3>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A transpose of a constant folds whatever its size (weights stored as
// W for x * W^T); here 3x2 -> 2x3, with i8 data, and a splat.
// CHECK-LABEL: func @transpose_constant(
// CHECK-DAG:     %[[F:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG:     %[[I:.*]] = kiln.constant dense<{{\[\[}}1, 3], [2, 4]]> : tensor<2x2xi8>
// CHECK-DAG:     %[[S:.*]] = kiln.constant dense<7.000000e+00> : tensor<4x2xf32>
// CHECK:         return %[[F]], %[[I]], %[[S]]
func.func @transpose_constant() -> (tensor<2x3xf32>, tensor<2x2xi8>, tensor<4x2xf32>) {
  %f = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %i = kiln.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %s = kiln.constant dense<7.0> : tensor<2x4xf32>
  %0 = kiln.transpose %f {perm = array<i64: 1, 0>} : tensor<3x2xf32> -> tensor<2x3xf32>
  %1 = kiln.transpose %i {perm = array<i64: 1, 0>} : tensor<2x2xi8> -> tensor<2x2xi8>
  %2 = kiln.transpose %s {perm = array<i64: 1, 0>} : tensor<2x4xf32> -> tensor<4x2xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x2xi8>, tensor<4x2xf32>
}
