//===- Passes.h - Kiln passes and pipelines ---------------------*- C++ -*-===//
#ifndef KILN_PASSES_PASSES_H
#define KILN_PASSES_PASSES_H

#include "dialects/Kiln/KilnDialect.h"
#include "dialects/KilnKernel/KilnKernel.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::kiln {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

/// Options of the CPU pipeline, shared by kiln-opt, kiln-compile and the
/// compiler library.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  Option<int> optLevel{*this, "opt-level",
                       llvm::cl::desc("0 disables tiling and vectorization"),
                       llvm::cl::init(3)};
  Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 elements per vector (16 for AVX-512)"),
      llvm::cl::init(16)};
  Option<std::string> forceSchedule{
      *this, "force-schedule",
      llvm::cl::desc("a candidate index or #kiln_kernel.schedule forced on "
                     "every kernel (see kiln-select-schedules' force)"),
      llvm::cl::init("")};
  Option<std::string> costModel{
      *this, "cost-model",
      llvm::cl::desc("default, learned, analytical or heuristic (see "
                     "kiln-select-schedules)"),
      llvm::cl::init("default")};
  Option<std::string> costModelPath{
      *this, "cost-model-path",
      llvm::cl::desc("the learned model's file"), llvm::cl::init("")};
  Option<std::string> tuningDatabase{
      *this, "tuning-db",
      llvm::cl::desc("tuning database of measured schedules"),
      llvm::cl::init("")};
  Option<bool> explain{
      *this, "explain",
      llvm::cl::desc("report each kernel's ranked candidates and pick"),
      llvm::cl::init(false)};
};

/// kiln-select-schedules as the pipeline's options configure it.
void addSelectSchedules(OpPassManager &pm, const CPUPipelineOptions &options);

/// kiln graph -> linalg on tensors (decompose, convert, fuse elementwise).
void buildKilnToLinalgPipeline(OpPassManager &pm,
                               const CPUPipelineOptions &options);
/// linalg on tensors -> LLVM dialect with exported entry points.
void buildLinalgToLLVMPipeline(OpPassManager &pm,
                               const CPUPipelineOptions &options);
/// The whole CPU pipeline: kiln graph -> LLVM dialect.
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Registers every kiln pass and the `kiln-pipeline-cpu` pipeline.
void registerAllKilnPasses();

} // namespace mlir::kiln

#endif // KILN_PASSES_PASSES_H
