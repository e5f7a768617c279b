// RUN: kiln-opt %s -split-input-file -verify-diagnostics -kiln-export-entry-points | FileCheck %s

// Every defined C interface wrapper gets `_kiln_entry_<name>(void **args)`:
// with results, args[0] is the result storage and inputs follow; without,
// inputs still start at args[1]. The metadata attribute becomes the
// NUL-terminated `kiln_metadata` global.
// CHECK-LABEL: llvm.func @_kiln_entry_with_result(
// CHECK-SAME:    %[[ARGS:.*]]: !llvm.ptr) {
// CHECK:         %[[P0:.*]] = llvm.getelementptr %[[ARGS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:         %[[R:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[P1:.*]] = llvm.getelementptr %[[ARGS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:         %[[X:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK:         llvm.call @_mlir_ciface_with_result(%[[R]], %[[X]]) : (!llvm.ptr, !llvm.ptr) -> ()
// CHECK:         llvm.return
// CHECK-LABEL: llvm.func @_kiln_entry_no_result(
// CHECK-SAME:    %[[ARGS:.*]]: !llvm.ptr) {
// CHECK-NOT:     llvm.getelementptr %[[ARGS]][0]
// CHECK:         %[[P1:.*]] = llvm.getelementptr %[[ARGS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:         %[[X:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK:         llvm.call @_mlir_ciface_no_result(%[[X]]) : (!llvm.ptr) -> ()
// CHECK-NOT:     @_kiln_entry_declared
// CHECK:         llvm.mlir.global external constant @kiln_metadata("{\22format\22:\22kiln-1\22}\00")
module attributes {kiln.metadata = "{\"format\":\"kiln-1\"}"} {
  llvm.func @with_result(%arg0: !llvm.ptr) -> !llvm.ptr {
    llvm.return %arg0 : !llvm.ptr
  }
  llvm.func @_mlir_ciface_with_result(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  llvm.func @no_result(%arg0: !llvm.ptr) {
    llvm.return
  }
  llvm.func @_mlir_ciface_no_result(%arg0: !llvm.ptr) {
    llvm.return
  }
  llvm.func @_mlir_ciface_declared(!llvm.ptr)
}

// -----

// The metadata comes from kiln-annotate-entry-points; without it the pass
// fails.
// expected-error @+1 {{missing the 'kiln.metadata' attribute; run kiln-annotate-entry-points on tensor-level IR first}}
module {
  llvm.func @f() {
    llvm.return
  }
}
