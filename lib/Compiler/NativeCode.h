//===- NativeCode.h - LLVM IR to objects and shared libraries ---*- C++ -*-===//
#ifndef KILN_LIB_COMPILER_NATIVECODE_H
#define KILN_LIB_COMPILER_NATIVECODE_H

#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace kiln {

/// A TargetMachine for the host CPU with all its features.
std::unique_ptr<llvm::TargetMachine> createHostTargetMachine(int optLevel);

/// f32 lanes of the host's widest vector unit (16, 8 or 4).
int64_t hostVectorWidth();

/// Runs LLVM's optimization pipeline at `optLevel` on `module`.
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine,
                    int optLevel);

/// Writes `module` as an object file.
void emitObject(llvm::Module &module, llvm::TargetMachine &machine,
                const std::string &path);

/// Links `objectPath` into a shared library at `outputPath`.
void linkSharedLibrary(const std::string &objectPath,
                       const std::string &outputPath);

} // namespace kiln

#endif // KILN_LIB_COMPILER_NATIVECODE_H
