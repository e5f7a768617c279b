//===- Pipelines.cpp - kiln pass registration and the CPU pipeline --------===//
#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace mlir::kiln {
#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

/// Appends a textual pipeline; the strings below are fixed, so a parse
/// failure is a bug in this file.
static void addPipeline(OpPassManager &pm, StringRef pipeline) {
  if (failed(parsePassPipeline(pipeline, pm, llvm::errs())))
    llvm::report_fatal_error("kiln: malformed built-in pipeline");
}

void kiln::buildKilnToLinalgPipeline(OpPassManager &pm,
                                     const CPUPipelineOptions &options) {
  addPipeline(pm, "kiln-annotate-entry-points,canonicalize,kiln-decompose,"
                  "canonicalize,cse,convert-kiln-to-linalg,canonicalize");
  if (options.optLevel > 0)
    addPipeline(
        pm,
        llvm::formatv(
            "linalg-fold-unit-extent-dims,canonicalize,kiln-fuse-elementwise,"
            "canonicalize,cse,"
            "func.func(kiln-conv-to-im2col{{vector-width={0}}),canonicalize,"
            "func.func(kiln-sink-layout-changes),canonicalize,cse",
            (int64_t)options.vectorWidth)
            .str());
  if (options.optLevel > 0) {
    KilnFuseOptions fuse;
    fuse.vectorWidth = options.vectorWidth;
    fuse.costModel = options.costModel;
    fuse.costModelPath = options.costModelPath;
    fuse.explain = options.explain;
    pm.addPass(createKilnFuse(fuse));
    addSelectSchedules(pm, options);
  }
}

void kiln::addSelectSchedules(OpPassManager &pm,
                              const CPUPipelineOptions &options) {
  KilnSelectSchedulesOptions schedules;
  schedules.vectorWidth = options.vectorWidth;
  schedules.force = options.forceSchedule;
  schedules.costModel = options.costModel;
  schedules.costModelPath = options.costModelPath;
  schedules.tuningDatabase = options.tuningDatabase;
  schedules.explain = options.explain;
  pm.addPass(createKilnSelectSchedules(schedules));
  if (options.explain)
    pm.addPass(createKilnReportSlowPaths());
}

void kiln::buildLinalgToLLVMPipeline(OpPassManager &pm,
                                     const CPUPipelineOptions &options) {
  if (options.optLevel > 0)
    addPipeline(
        pm,
        llvm::formatv(
            "func.func(kiln-tile-and-vectorize{{vector-width={0}}),"
            "canonicalize,cse,loop-invariant-subset-hoisting,canonicalize,cse,"
            "func.func(kiln-widen-reduction-accumulators),canonicalize",
            (int64_t)options.vectorWidth)
            .str());
  addPipeline(
      pm,
      "func.func(kiln-prepare-bufferization),eliminate-empty-tensors,"
      "one-shot-bufferize{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},cse,canonicalize,"
      "buffer-deallocation-pipeline,convert-bufferization-to-memref");
  if (options.optLevel > 0)
    addPipeline(pm,
                llvm::formatv("func.func(kiln-vectorize-copies{{"
                              "vector-width={0}},kiln-prefetch-accumulators)",
                              (int64_t)options.vectorWidth)
                    .str());
  addPipeline(
      pm,
      "convert-linalg-to-loops,scf-forall-to-parallel,convert-scf-to-openmp,"
      "func.func(kiln-hoist-buffers-to-stack),"
      "func.func(lower-vector-multi-reduction,lower-vector-mask),"
      "convert-vector-to-scf{full-unroll},lower-affine,canonicalize,cse,"
      "kiln-approximate-math,convert-math-to-funcs,convert-scf-to-cf,"
      "expand-strided-metadata,"
      "lower-affine,finalize-memref-to-llvm{use-generic-functions},"
      "convert-math-to-llvm,"
      "convert-math-to-libm,"
      "convert-vector-to-llvm{vector-contract-lowering=outerproduct "
      "vector-transpose-lowering=shuffle16x16},"
      "convert-arith-to-llvm,convert-openmp-to-llvm,"
      "convert-index-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,"
      "convert-ub-to-llvm,reconcile-unrealized-casts,kiln-export-entry-points");
}

void kiln::buildCPUPipeline(OpPassManager &pm,
                            const CPUPipelineOptions &options) {
  buildKilnToLinalgPipeline(pm, options);
  buildLinalgToLLVMPipeline(pm, options);
}

void kiln::registerAllKilnPasses() {
  registerKilnPasses();
  PassPipelineRegistration<CPUPipelineOptions>(
      "kiln-pipeline-cpu",
      "Compiles kiln graph IR to the LLVM dialect for the host CPU",
      buildCPUPipeline);
}
