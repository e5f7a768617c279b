//===- NativeCode.cpp - LLVM IR to objects and shared libraries -----------===//
#include "NativeCode.h"
#include "kiln/Runtime.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace kiln;

std::unique_ptr<llvm::TargetMachine>
kiln::createHostTargetMachine(int optLevel) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    throw Error("no LLVM target for the host: " + error);
  llvm::SubtargetFeatures features;
  for (auto &feature : llvm::sys::getHostCPUFeatures())
    features.AddFeature(feature.first(), feature.second);
  llvm::TargetOptions options;
  // a * b + c as one FMA (one rounding, as PyTorch's kernels do): the
  // vectorized contractions are multiply-add chains.
  if (optLevel > 0)
    options.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  auto level = optLevel == 0   ? llvm::CodeGenOptLevel::None
               : optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                               : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features.getString(), options,
      llvm::Reloc::PIC_, std::nullopt, level));
  if (!machine)
    throw Error("cannot create an LLVM target machine for the host");
  return machine;
}

int64_t kiln::hostVectorWidth() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 16;
  if (features.lookup("avx2") || features.lookup("avx"))
    return 8;
  return 4;
}

void kiln::optimizeModule(llvm::Module &module, llvm::TargetMachine &machine,
                          int optLevel) {
  auto transformer =
      mlir::makeOptimizingTransformer(optLevel, /*sizeLevel=*/0, &machine);
  if (llvm::Error error = transformer(&module))
    throw Error("LLVM optimization failed: " +
                llvm::toString(std::move(error)));
}

void kiln::emitObject(llvm::Module &module, llvm::TargetMachine &machine,
                      const std::string &path) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple());
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    throw Error("cannot write '" + path + "': " + ec.message());
  llvm::legacy::PassManager pm;
  if (machine.addPassesToEmitFile(pm, out, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    throw Error("the LLVM target cannot emit object files");
  pm.run(module);
}

void kiln::linkSharedLibrary(const std::string &objectPath,
                             const std::string &outputPath) {
  // LLVM 22's clang driver (not the unversioned LLVM 14 one on PATH).
  std::string clang = std::string(KILN_LLVM_TOOLS_DIR) + "/clang";
  std::string rpath = std::string("-Wl,-rpath,") + KILN_LLVM_LIBRARY_DIR;
  std::string libDir = std::string("-L") + KILN_LLVM_LIBRARY_DIR;
  // KilnModelRuntime allocates the model's buffers; libmlir_c_runner_utils
  // provides memrefCopy for strided buffer copies; libomp runs the
  // scf.forall loops of kernels on threads.
  llvm::SmallVector<llvm::StringRef> args = {clang,
                                             "-shared",
                                             "-fuse-ld=lld",
                                             "-o",
                                             outputPath,
                                             objectPath,
                                             KILN_MODEL_RUNTIME_LIBRARY,
                                             libDir,
                                             rpath,
                                             "-lmlir_c_runner_utils",
                                             "-lomp",
                                             "-lm"};
  std::string error;
  int rc =
      llvm::sys::ExecuteAndWait(clang, args, std::nullopt, {}, 0, 0, &error);
  if (rc != 0)
    throw Error("linking '" + outputPath + "' with " + clang + " failed" +
                (error.empty() ? "" : ": " + error));
}
