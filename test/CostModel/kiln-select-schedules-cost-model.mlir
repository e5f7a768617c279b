// RUN: kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="cost-model=analytical target=x86_64-avx512 explain" 2>&1 | FileCheck %s
// RUN: kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="cost-model=learned cost-model-path=%t.missing.json target=x86_64-avx512" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: echo "not a model" > %t.corrupt.json
// RUN: kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="cost-model=learned cost-model-path=%t.corrupt.json target=x86_64-avx512" 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="cost-model=learned target=x86_64-avx512 explain" 2>&1 | FileCheck %s --check-prefix=LEARNED
// RUN: not kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="cost-model=fastest" 2>&1 | FileCheck %s --check-prefix=KIND
// RUN: not kiln-opt %s -convert-kiln-to-linalg -kiln-fuse -kiln-select-schedules="target=riscv-v" 2>&1 | FileCheck %s --check-prefix=TARGET

// The explanation: the model, then per dispatch the ranked candidates with
// their predicted latencies, the pick first, and the heuristic's choice.
// CHECK: remark: kiln-select-schedules: analytical model for x86_64-avx512 picks the schedules
// CHECK: remark: dispatch 'contraction': {{[0-9]+}} candidates, {{[0-9]+}} ranked by the analytical model
// CHECK-NEXT: pick  #{{[0-9]+}} #kiln_kernel.schedule<contraction, {{.*}}>  predicted {{[0-9.]+}} us
// CHECK-NEXT: #{{[0-9]+}} #kiln_kernel.schedule<contraction, {{.*}}>  predicted {{[0-9.]+}} us
// CHECK: heuristic's choice #{{[0-9]+}} #kiln_kernel.schedule<contraction, tiles = [64, 512, 256], vector = [8, 32, 1], pack, threads>  predicted {{[0-9.]+}} us (rank {{[0-9]+}})
// Candidates that leave a core idle are not ranked: the pick runs on threads.
// CHECK: kiln_kernel.dispatch "contraction" schedule <contraction, {{.*}}threads>

// A missing or corrupt learned model is a warning naming the file, and the
// analytical model decides.
// MISSING: warning: cost model '{{.*}}.missing.json': no such file; using the analytical model
// MISSING: kiln_kernel.dispatch "contraction" schedule <contraction,
// CORRUPT: warning: cost model '{{.*}}.corrupt.json': not a valid XGBoost model: {{.*}}; using the analytical model

// The shipped model for this target (costmodel/models/).
// LEARNED: remark: kiln-select-schedules: learned model {{.*}}x86_64-avx512.json (x86_64-avx512, schema v{{[0-9]+}}-{{[0-9a-f]+}}, trained {{.*}} on {{[0-9]+}} models) picks the schedules
// The learned model chooses among the analytical model's best 8 and the
// heuristic's choice.
// LEARNED: {{[0-9]+}} candidates, {{[0-9]}} ranked by the learned model (the analytical model's best and the heuristic's)

// KIND: error: kiln-select-schedules: cost-model='fastest' is not one of default, learned, analytical, heuristic
// TARGET: error: kiln-select-schedules: unknown target 'riscv-v': target descriptor '{{.*}}riscv-v.json': cannot read it

func.func @matmul(%a: tensor<256x512xf32>, %b: tensor<512x512xf32>) -> tensor<256x512xf32> {
  %0 = kiln.matmul %a, %b : (tensor<256x512xf32>, tensor<512x512xf32>) -> tensor<256x512xf32>
  return %0 : tensor<256x512xf32>
}
