//===- kiln-compile.cpp - Compile a model to native code ------------------===//
//
//   kiln-compile model.mlir -o model.so [--target=cpu] [-O3]
//   kiln-compile model.mlir -o model.ll | model.o | model.linalg.mlir
//   kiln-compile model.mlir -o out.mlir --emit=kiln|linalg|llvm-dialect
//   kiln-compile model.onnx -o model.so
//   kiln-compile model.onnx -o model.so --kiln-explain --cost-model=learned
//   kiln-compile model.onnx -o model.so --tune=8
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::OptionCategory kilnCategory("kiln-compile options");

static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<input .mlir or .onnx>"),
                                      cl::cat(kilnCategory));
static cl::opt<std::string> outputPath("o", cl::Required,
                                       cl::desc("output file"),
                                       cl::value_desc("path"),
                                       cl::cat(kilnCategory));
static cl::opt<std::string>
    emit("emit",
         cl::desc("what to write: so, obj, llvm (.ll), kiln (the imported "
                  "kiln IR), linalg (IR after the kiln -> linalg stage), "
                  "llvm-dialect; default from the output extension"),
         cl::init(""), cl::cat(kilnCategory));
static cl::opt<std::string> target("target", cl::desc("target (cpu)"),
                                   cl::init("cpu"), cl::cat(kilnCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("optimization level 0-3"),
                                  cl::Prefix, cl::init(3),
                                  cl::cat(kilnCategory));
static cl::opt<int>
    vectorWidth("vector-width",
                cl::desc("f32 lanes per vector (0: the host's)"), cl::init(0),
                cl::cat(kilnCategory));
static cl::opt<std::string> forceSchedule(
    "force-schedule",
    cl::desc("compile every kernel with this schedule: a candidate index "
             "(kiln-opt --kiln-select-schedules=list-candidates) or a "
             "#kiln_kernel.schedule<...>"),
    cl::init(""), cl::cat(kilnCategory));
static cl::opt<std::string> costModel(
    "cost-model",
    cl::desc("who picks each kernel's schedule: default (the learned model "
             "for the host if present, else analytical), learned, "
             "analytical, heuristic"),
    cl::init("default"), cl::cat(kilnCategory));
static cl::opt<std::string>
    costModelPath("cost-model-path",
                  cl::desc("the learned model (default: "
                           "costmodel/models/<target>.json)"),
                  cl::init(""), cl::cat(kilnCategory));
static cl::opt<bool> explain("kiln-explain",
                             cl::desc("print each kernel's top candidates, "
                                      "their predicted costs and the pick"),
                             cl::init(false), cl::cat(kilnCategory));
static cl::opt<int> tune("tune",
                         cl::desc("measure the cost model's top N schedules "
                                  "of each kernel and keep the fastest"),
                         cl::init(0), cl::cat(kilnCategory));
static cl::opt<std::string> tuningDatabase(
    "tuning-db",
    cl::desc("tuning database (default with --tune: $KILN_TUNING_DB or "
             "~/.cache/kiln/tuning.json)"),
    cl::init(""), cl::cat(kilnCategory));
static cl::opt<bool> fromKernels(
    "from-kernels",
    cl::desc("the input is linalg IR already grouped into "
             "kiln_kernel.dispatch kernels (kiln-opt ... -kiln-fuse): only "
             "the schedules are chosen"),
    cl::init(false), cl::cat(kilnCategory));
static cl::opt<bool> printIRAfterAll("mlir-print-ir-after-all",
                                     cl::desc("print the IR after every pass"),
                                     cl::init(false), cl::cat(kilnCategory));

static std::optional<kiln::OutputKind> outputKind() {
  StringRef kind = emit;
  if (kind.empty()) {
    StringRef path = outputPath;
    if (path.ends_with(".so"))
      return kiln::OutputKind::SharedLibrary;
    if (path.ends_with(".o"))
      return kiln::OutputKind::Object;
    if (path.ends_with(".ll"))
      return kiln::OutputKind::LLVMIR;
    if (path.ends_with(".mlir"))
      return kiln::OutputKind::LLVMMLIR;
    return std::nullopt;
  }
  return kiln::parseOutputKind(kind.str());
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(kilnCategory);
  cl::ParseCommandLineOptions(argc, argv, "Kiln model compiler\n");
  std::optional<kiln::OutputKind> kind = outputKind();
  if (!kind && !emit.empty()) {
    errs() << "kiln-compile: unknown --emit value '" << emit
           << "' (so, obj, llvm, kiln, linalg, llvm-dialect)\n";
    return 1;
  }
  if (!kind) {
    errs() << "kiln-compile: cannot tell what to write to '" << outputPath
           << "'; use a .so, .o, .ll or .mlir name, or "
              "--emit=so|obj|llvm|kiln|linalg|llvm-dialect\n";
    return 1;
  }
  if (optLevel > 3) {
    errs() << "kiln-compile: -O" << optLevel << " is not a level (0-3)\n";
    return 1;
  }
  kiln::CompileOptions options;
  options.optLevel = optLevel;
  options.target = target;
  options.vectorWidth = vectorWidth;
  options.forceSchedule = forceSchedule;
  options.printIRAfterAll = printIRAfterAll;
  options.costModel = costModel;
  options.costModelPath = costModelPath;
  options.explain = explain;
  options.tune = tune;
  options.tuningDatabase = tuningDatabase;
  options.inputIsKernels = fromKernels;
  if (tune < 0) {
    errs() << "kiln-compile: --tune=" << tune << " must be 0 or more\n";
    return 1;
  }
  try {
    kiln::compileFileToFile(inputPath, outputPath, *kind, options);
  } catch (const kiln::Error &e) {
    errs() << "kiln-compile: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
