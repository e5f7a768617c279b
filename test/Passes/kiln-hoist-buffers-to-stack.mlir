// RUN: kiln-opt %s -split-input-file -kiln-hoist-buffers-to-stack | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-hoist-buffers-to-stack="max-buffer-bytes=512" | FileCheck %s --check-prefix=SMALL

// A row buffer made and freed in every iteration of a thread's loop: one
// stack buffer at the start of the parallel region, no malloc or free.
// CHECK-LABEL: func @per_row(
// CHECK:         omp.parallel {
// CHECK-NEXT:      %[[BUF:.*]] = memref.alloca() {alignment = 64 : i64} : memref<256xf32>
// CHECK:           omp.loop_nest
// CHECK:             memref.alloca_scope {
// CHECK:               memref.store %{{.*}}, %[[BUF]]
// CHECK-NOT:     memref.alloc()
// CHECK-NOT:     memref.dealloc
// Over the size limit, the buffer stays on the heap.
// SMALL-LABEL: func @per_row(
// SMALL:         memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// SMALL:         memref.dealloc
func.func @per_row(%out: memref<128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c128) step (%c1) {
        memref.alloca_scope {
          %buf = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
          memref.store %f, %buf[%c0] : memref<256xf32>
          %v = memref.load %buf[%c0] : memref<256xf32>
          memref.store %v, %out[%i] : memref<128xf32>
          memref.dealloc %buf : memref<256xf32>
        }
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// Outside parallel regions, a buffer of one loop iteration moves to the
// function's entry.
// CHECK-LABEL: func @sequential(
// CHECK:         %[[BUF:.*]] = memref.alloca() : memref<4xf32>
// CHECK:         scf.for
// CHECK:           memref.store %{{.*}}, %[[BUF]]
func.func @sequential(%out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %f = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %buf = memref.alloc() : memref<4xf32>
    memref.store %f, %buf[%c0] : memref<4xf32>
    %v = memref.load %buf[%c0] : memref<4xf32>
    memref.store %v, %out[%i] : memref<8xf32>
    memref.dealloc %buf : memref<4xf32>
  }
  return
}

// -----

// Buffers that outlive their block (returned, or freed elsewhere), dynamic
// ones, and those inside a parallel loop still to be converted to OpenMP
// (its iterations would share one buffer) stay on the heap.
// CHECK-LABEL: func @stay_on_heap(
// CHECK-NOT:     memref.alloca()
// CHECK-COUNT-3: memref.alloc(
// CHECK-NOT:     memref.alloca()
func.func @stay_on_heap(%n: index, %cond: i1) -> memref<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %returned = memref.alloc() : memref<4xf32>
  %dynamic = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %dynamic : memref<?xf32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %shared = memref.alloc() : memref<4xf32>
    memref.dealloc %shared : memref<4xf32>
    scf.reduce
  }
  return %returned : memref<4xf32>
}
