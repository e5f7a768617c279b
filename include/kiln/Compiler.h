//===- Compiler.h - Compile kiln IR to native code --------------*- C++ -*-===//
//
// The compiler library behind kiln-compile: takes MLIR text in the kiln
// dialect (or any mix of upstream dialects the pipeline accepts), runs the
// CPU pipeline and produces a shared library, an object file, LLVM IR, the
// IR after a stage, or an in-process JIT model. Failures throw kiln::Error
// carrying the diagnostics ("file:line:col: error: ...").
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_H
#define KILN_COMPILER_H

#include "kiln/Runtime.h"

#include <memory>
#include <optional>
#include <string>

namespace kiln {

struct CompileOptions {
  /// 0 disables tiling, vectorization and fusion; 1-3 enable them and set
  /// the LLVM optimization level.
  int optLevel = 3;
  /// Only "cpu" (the host) for now.
  std::string target = "cpu";
  /// f32 lanes per vector; 0 picks the host's (16 with AVX-512, 8 with AVX2).
  int64_t vectorWidth = 0;
  /// A schedule forced on every kernel of its strategy: a candidate index or
  /// a `#kiln_kernel.schedule<...>` (kiln-select-schedules' `force`); empty
  /// for the heuristic's. Compiling candidates one by one is how they are
  /// measured.
  std::string forceSchedule;
  /// Print the IR after every pass to stderr (--mlir-print-ir-after-all).
  bool printIRAfterAll = false;
  /// Who picks each kernel's schedule: "default" (the learned model for
  /// the host's target if there is one, else the analytical model),
  /// "learned", "analytical" or "heuristic".
  std::string costModel = "default";
  /// The learned model's file; empty for costmodel/models/<target>.json.
  std::string costModelPath;
  /// Print, for every kernel, the candidates the cost model ranked first,
  /// their predicted costs and the pick (--kiln-explain), to stderr.
  bool explain = false;
  /// Measure the cost model's top `tune` schedules of every kernel and keep
  /// the fastest (0: predict only). Picks are remembered in the tuning
  /// database, so a kernel is measured once per target.
  int tune = 0;
  /// The tuning database; empty for $KILN_TUNING_DB or
  /// ~/.cache/kiln/tuning.json when `tune` > 0, and none otherwise.
  std::string tuningDatabase;
  /// The input is kernel-level IR (its dispatches are formed, as in the
  /// output of the linalg stage): compilation starts at the schedules.
  bool inputIsKernels = false;
};

enum class OutputKind {
  KilnMLIR,      ///< the input as kiln IR (after import, before any pass)
  SharedLibrary, ///< .so loadable by kiln::loadModel / kiln-run
  Object,        ///< .o
  LLVMIR,        ///< .ll
  LinalgMLIR,    ///< IR after the kiln -> linalg stage
  LLVMMLIR,      ///< IR in the LLVM dialect
};

/// The kind named by "so", "obj", "llvm", "kiln", "linalg" or "llvm-dialect".
std::optional<OutputKind> parseOutputKind(const std::string &name);

/// Compiles MLIR `source` (text; `sourceName` is used in diagnostics) to
/// `outputPath`.
void compileToFile(const std::string &source, const std::string &sourceName,
                   const std::string &outputPath, OutputKind kind,
                   const CompileOptions &options = {});

/// Reads `path` (.mlir, or .onnx through the ONNX importer) and compiles it
/// to `outputPath`.
void compileFileToFile(const std::string &path, const std::string &outputPath,
                       OutputKind kind, const CompileOptions &options = {});

/// Reads `path` (.mlir or .onnx) and returns the IR at a textual stage
/// (KilnMLIR, LinalgMLIR or LLVMMLIR).
std::string compileFileToText(const std::string &path, OutputKind kind,
                              const CompileOptions &options = {});

/// Compiles `path` (.mlir or .onnx) and loads it in-process.
std::unique_ptr<Model> compileFileToJit(const std::string &path,
                                        const CompileOptions &options = {});

/// Imports a serialized ONNX model and returns it as kiln-dialect MLIR text.
std::string importONNX(const std::string &modelBytes,
                       const std::string &sourceName = "<onnx>");

/// Compiles MLIR `source` and loads it in-process through MLIR's
/// ExecutionEngine.
std::unique_ptr<Model> compileToJit(const std::string &source,
                                    const CompileOptions &options = {},
                                    const std::string &sourceName = "<source>");

} // namespace kiln

#endif // KILN_COMPILER_H
