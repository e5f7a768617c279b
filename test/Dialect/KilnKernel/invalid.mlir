// RUN: kiln-opt %s -split-input-file -verify-diagnostics --allow-unregistered-dialect

func.func @yield_mismatch(%a: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{yields 1 values whose types do not match the dispatch's results}}
  %0 = kiln_kernel.dispatch "elementwise" -> tensor<8xf32> {
    kiln_kernel.yield %a : tensor<4xf32>
  }
  return %0 : tensor<8xf32>
}

// -----

// expected-error @+1 {{unknown schedule strategy 'fastest'}}
"test.op"() {s = #kiln_kernel.schedule<fastest, tiles = [1], vector = [1]>} : () -> ()

// -----

// expected-error @+1 {{schedule has 2 tile sizes but 1 vector sizes; both give one size per loop}}
"test.op"() {s = #kiln_kernel.schedule<elementwise, tiles = [1, 1], vector = [1]>} : () -> ()

// -----

// expected-error @+1 {{vector size 16 exceeds tile size 12}}
"test.op"() {s = #kiln_kernel.schedule<contraction, tiles = [12, 32, 0], vector = [16, 32, 1]>} : () -> ()

// -----

// expected-error @+1 {{schedule sizes must be >= 0}}
"test.op"() {s = #kiln_kernel.schedule<elementwise, tiles = [-1], vector = [1]>} : () -> ()

// -----

// expected-error @+1 {{expected 'pack' or 'threads'}}
"test.op"() {s = #kiln_kernel.schedule<elementwise, tiles = [1], vector = [1], fast>} : () -> ()

// -----

func.func @yield_outside(%a: tensor<4xf32>) {
  // expected-error @+1 {{expects parent op 'kiln_kernel.dispatch'}}
  kiln_kernel.yield %a : tensor<4xf32>
}
