//===- Target.h - hardware descriptors of the cost model --------*- C++ -*-===//
//
// A target is what the analytical model and the features know about a
// machine: vector width and registers, FMA units, caches and bandwidths.
// Descriptors live in costmodel/targets/<name>.json; the host's is picked
// from its CPU features.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COSTMODEL_TARGET_H
#define KILN_COSTMODEL_TARGET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlir::kiln::costmodel {

struct Target {
  std::string name;
  int64_t vectorBits = 512;
  int64_t vectorRegisters = 32;
  int64_t fmaUnits = 2;
  int64_t fmaLatencyCycles = 4;
  int64_t loadsPerCycle = 2;
  double frequencyGHz = 3.0;
  int64_t cores = 1;
  int64_t l1Bytes = 32768;
  int64_t l2Bytes = 1 << 20;
  int64_t l3Bytes = 32 << 20;
  double l1BytesPerCycle = 128;
  double l2BytesPerCycle = 64;
  double l3GBPerS = 50;
  double memoryGBPerS = 20;

  /// f32 elements per vector register.
  int64_t f32Lanes() const { return vectorBits / 32; }
  /// f32 FLOP/s of one core running FMAs on every unit.
  double peakFlopsPerCore() const {
    return fmaUnits * f32Lanes() * 2 * frequencyGHz * 1e9;
  }
  /// The analytical model costs constants (weights) beyond this many bytes
  /// as coming from memory: inside a model every other kernel runs between
  /// two runs of this one and evicts them.
  double coldConstantBytes() const { return l2Bytes / 4.0; }
};

/// The directory holding targets/ and models/: $KILN_COSTMODEL_DIR if set,
/// else the source tree's costmodel/.
std::string costModelDirectory();

/// Reads a descriptor; the error names the file and the bad or missing key.
llvm::Expected<Target> loadTarget(llvm::StringRef path);

/// Loads costmodel/targets/<name>.json.
llvm::Expected<Target> loadTargetByName(llvm::StringRef name);

/// "x86_64-avx512" on a host with AVX-512 F, else "x86_64-avx2";
/// $KILN_TARGET overrides it.
std::string hostTargetName();

} // namespace mlir::kiln::costmodel

#endif // KILN_COSTMODEL_TARGET_H
