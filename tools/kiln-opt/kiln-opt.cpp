//===- kiln-opt.cpp - Kiln's opt-style driver -----------------------------===//
//
// kiln-opt runs any kiln or upstream MLIR pass or pipeline on .mlir input;
// it is the tool behind the lit tests.
//
//===----------------------------------------------------------------------===//
#include "dialects/Kiln/KilnDialect.h"
#include "dialects/KilnKernel/KilnKernel.h"
#include "passes/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  registry
      .insert<mlir::kiln::KilnDialect, mlir::kiln_kernel::KilnKernelDialect>();
  mlir::kiln::registerAllKilnPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Kiln optimizer driver\n", registry));
}
