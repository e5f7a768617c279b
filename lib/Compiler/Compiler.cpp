//===- Compiler.cpp - Compile kiln IR to native code ----------------------===//
#include "kiln/Compiler.h"
#include "Context.h"
#include "NativeCode.h"
#include "Tune.h"
#include "costmodel/TuningDatabase.h"
#include "lib/Import/ONNX/ONNXImporter.h"

#include "dialects/Kiln/KilnDialect.h"
#include "dialects/KilnKernel/KilnKernel.h"
#include "passes/Passes.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <mutex>

using namespace kiln;

namespace {

void registerPassesOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    mlir::registerAllPasses();
    mlir::kiln::registerAllKilnPasses();
  });
}

CompileOptions withVectorWidth(const CompileOptions &options, int64_t width) {
  CompileOptions resolved = options;
  resolved.vectorWidth = width;
  return resolved;
}

/// One compilation: a context with every dialect Kiln lowers through, and
/// diagnostics collected as "file:line:col: error: ..." text.
class Session {
public:
  Session()
      : context(makeRegistry()), stream(diagnostics),
        handler(sourceMgr, &context, stream) {
    registerPassesOnce();
    // Diagnostics name the source location and op; a dump of the whole op
    // (a kernel is dozens of lines of generic IR) does not help users.
    context.printOpOnDiagnostic(false);
  }

  mlir::OwningOpRef<mlir::ModuleOp> parse(const std::string &source,
                                          const std::string &name) {
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(source, name), llvm::SMLoc());
    auto module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
    if (!module)
      fail("cannot parse '" + name + "'");
    return module;
  }

  /// Parses .mlir text or imports an ONNX model, by file name.
  mlir::OwningOpRef<mlir::ModuleOp> load(const std::string &contents,
                                         const std::string &name) {
    if (!llvm::StringRef(name).ends_with(".onnx"))
      return parse(contents, name);
    auto module = importONNX(context, contents, name);
    if (!module)
      fail("cannot import '" + name + "'");
    return module;
  }

  /// Runs the pipeline up to `kind`'s stage.
  void lower(mlir::ModuleOp module, OutputKind kind,
             const CompileOptions &options) {
    if (options.target != "cpu")
      throw Error("unknown target '" + options.target + "' (supported: cpu)");
    if (options.printIRAfterAll)
      context.disableMultithreading();
    mlir::kiln::CPUPipelineOptions pipeline;
    pipeline.optLevel = options.optLevel;
    pipeline.forceSchedule = options.forceSchedule;
    pipeline.vectorWidth =
        options.vectorWidth > 0 ? options.vectorWidth : hostVectorWidth();
    pipeline.costModel = options.costModel;
    pipeline.costModelPath = options.costModelPath;
    pipeline.explain = options.explain;
    std::string database = options.tuningDatabase;
    if (database.empty() && options.tune > 0)
      database = mlir::kiln::costmodel::defaultTuningDatabasePath();
    pipeline.tuningDatabase = database;
    if (kind == OutputKind::KilnMLIR) {
      if (mlir::failed(mlir::verify(module)))
        fail("the module does not verify");
      return;
    }
    if (options.inputIsKernels)
      checkIsKernels(module);
    run(module, options, [&](mlir::PassManager &pm) {
      if (!options.inputIsKernels) {
        mlir::kiln::buildKilnToLinalgPipeline(pm, pipeline);
        return;
      }
      pm.addPass(mlir::kiln::createKilnAnnotateEntryPoints());
      if (options.optLevel > 0)
        mlir::kiln::addSelectSchedules(pm, pipeline);
    });
    if (options.tune > 0 && options.optLevel > 0 &&
        options.forceSchedule.empty())
      tuneKernels(module, withVectorWidth(options, pipeline.vectorWidth),
                  database);
    if (kind != OutputKind::LinalgMLIR)
      run(module, options, [&](mlir::PassManager &pm) {
        mlir::kiln::buildLinalgToLLVMPipeline(pm, pipeline);
      });
    // Remarks and warnings of a successful compile (--kiln-explain, a
    // learned model that could not be used) go to stderr.
    stream.flush();
    if (!diagnostics.empty()) {
      llvm::errs() << diagnostics;
      diagnostics.clear();
    }
  }

  void run(mlir::ModuleOp module, const CompileOptions &options,
           llvm::function_ref<void(mlir::PassManager &)> build) {
    mlir::PassManager pm(&context, "builtin.module");
    if (options.printIRAfterAll)
      pm.enableIRPrinting();
    build(pm);
    if (mlir::failed(pm.run(module)))
      fail("compilation failed");
  }

  /// Input said to be kernels must not hold kiln graph ops, which only
  /// the kiln -> linalg stage lowers.
  void checkIsKernels(mlir::ModuleOp module) {
    mlir::Operation *graphOp = nullptr;
    module.walk([&](mlir::Operation *op) {
      if (op->getDialect() && op->getDialect()->getNamespace() == "kiln") {
        graphOp = op;
        return mlir::WalkResult::interrupt();
      }
      return mlir::WalkResult::advance();
    });
    if (!graphOp)
      return;
    graphOp->emitError("'")
        << graphOp->getName()
        << "' is a kiln graph op: input compiled from kernels is linalg IR "
           "grouped into kiln_kernel.dispatch ops (the output of kiln-opt "
           "... -kiln-fuse); compile this file without --from-kernels";
    fail("not kernels");
  }

  [[noreturn]] void fail(const std::string &summary) {
    stream.flush();
    throw Error(diagnostics.empty() ? summary : diagnostics);
  }

  mlir::MLIRContext context;

private:
  static mlir::DialectRegistry makeRegistry() {
    mlir::DialectRegistry registry;
    registerKilnDialects(registry);
    return registry;
  }

  std::string diagnostics;
  llvm::raw_string_ostream stream;
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler;
};

void writeText(const std::string &path,
               llvm::function_ref<void(llvm::raw_ostream &)> write) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  if (ec)
    throw Error("cannot write '" + path + "': " + ec.message());
  write(out);
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    throw Error("cannot open '" + path + "': " + buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

// The allocator linked into every compiled model (KilnModelRuntime), here
// for the JIT's modules.
extern "C" {
void *_mlir_memref_to_llvm_alloc(size_t size);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size);
void _mlir_memref_to_llvm_free(void *buffer);
void kiln_model_free(void *buffer);
}

class JitModel : public Model {
public:
  JitModel(mlir::ModuleOp module, const CompileOptions &options) {
    auto metadata = module->getAttrOfType<mlir::StringAttr>("kiln.metadata");
    if (!metadata)
      throw Error("the module has no kiln.metadata after lowering");
    setMetadata(metadata.str());
    machine = createHostTargetMachine(options.optLevel);
    transformer =
        mlir::makeOptimizingTransformer(options.optLevel, 0, machine.get());
    mlir::ExecutionEngineOptions engineOptions;
    engineOptions.transformer = transformer;
    engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
    // memrefCopy for strided copies; libomp for the kernels' threads.
    sharedLibs = {std::string(KILN_LLVM_LIBRARY_DIR) +
                      "/libmlir_c_runner_utils.so",
                  std::string(KILN_LLVM_LIBRARY_DIR) + "/libomp.so"};
    sharedLibRefs.assign(sharedLibs.begin(), sharedLibs.end());
    engineOptions.sharedLibPaths = sharedLibRefs;
    auto created = mlir::ExecutionEngine::create(
        module, engineOptions, createHostTargetMachine(options.optLevel));
    if (!created)
      throw Error("JIT compilation failed: " +
                  llvm::toString(created.takeError()));
    engine = std::move(*created);
    engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap symbols;
      auto add = [&](const char *name, auto *function) {
        symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                   llvm::JITSymbolFlags::Exported};
      };
      add("_mlir_memref_to_llvm_alloc", &_mlir_memref_to_llvm_alloc);
      add("_mlir_memref_to_llvm_aligned_alloc",
          &_mlir_memref_to_llvm_aligned_alloc);
      add("_mlir_memref_to_llvm_free", &_mlir_memref_to_llvm_free);
      return symbols;
    });
  }

protected:
  EntryFunction lookup(const std::string &symbol) const override {
    auto address = engine->lookup(symbol);
    if (!address)
      throw Error("JIT module lacks " + symbol + ": " +
                  llvm::toString(address.takeError()));
    return reinterpret_cast<EntryFunction>(*address);
  }
  BufferReleaser bufferReleaser() const override { return kiln_model_free; }

private:
  std::unique_ptr<llvm::TargetMachine> machine;
  // ExecutionEngineOptions keeps a function_ref to this: it must outlive
  // the engine's creation.
  std::function<llvm::Error(llvm::Module *)> transformer;
  std::vector<std::string> sharedLibs;
  llvm::SmallVector<llvm::StringRef> sharedLibRefs;
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

} // namespace

std::optional<OutputKind> kiln::parseOutputKind(const std::string &name) {
  static const std::pair<const char *, OutputKind> kinds[] = {
      {"so", OutputKind::SharedLibrary},
      {"obj", OutputKind::Object},
      {"llvm", OutputKind::LLVMIR},
      {"kiln", OutputKind::KilnMLIR},
      {"linalg", OutputKind::LinalgMLIR},
      {"llvm-dialect", OutputKind::LLVMMLIR}};
  for (const auto &[text, kind] : kinds)
    if (name == text)
      return kind;
  return std::nullopt;
}

void kiln::compileToFile(const std::string &source,
                         const std::string &sourceName,
                         const std::string &outputPath, OutputKind kind,
                         const CompileOptions &options) {
  Session session;
  auto module = session.load(source, sourceName);
  session.lower(*module, kind, options);
  if (kind == OutputKind::KilnMLIR || kind == OutputKind::LinalgMLIR ||
      kind == OutputKind::LLVMMLIR) {
    writeText(outputPath, [&](llvm::raw_ostream &os) { module->print(os); });
    return;
  }
  llvm::LLVMContext llvmContext;
  auto llvmModule = mlir::translateModuleToLLVMIR(*module, llvmContext);
  if (!llvmModule)
    session.fail("translation to LLVM IR failed");
  auto machine = createHostTargetMachine(options.optLevel);
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(machine->getTargetTriple());
  optimizeModule(*llvmModule, *machine, options.optLevel);
  if (kind == OutputKind::LLVMIR) {
    writeText(outputPath,
              [&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });
    return;
  }
  if (kind == OutputKind::Object) {
    emitObject(*llvmModule, *machine, outputPath);
    return;
  }
  llvm::SmallString<128> objectPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("kiln", "o", objectPath))
    throw Error("cannot create a temporary object file: " + ec.message());
  llvm::FileRemover removeObject(objectPath);
  emitObject(*llvmModule, *machine, objectPath.str().str());
  linkSharedLibrary(objectPath.str().str(), outputPath);
}

void kiln::compileFileToFile(const std::string &path,
                             const std::string &outputPath, OutputKind kind,
                             const CompileOptions &options) {
  compileToFile(readFile(path), path, outputPath, kind, options);
}

std::string kiln::compileFileToText(const std::string &path, OutputKind kind,
                                    const CompileOptions &options) {
  if (kind != OutputKind::KilnMLIR && kind != OutputKind::LinalgMLIR &&
      kind != OutputKind::LLVMMLIR)
    throw Error("compileFileToText: not a textual stage");
  Session session;
  auto module = session.load(readFile(path), path);
  session.lower(*module, kind, options);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

void kiln::registerKilnDialects(mlir::DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  registry
      .insert<mlir::kiln::KilnDialect, mlir::kiln_kernel::KilnKernelDialect>();
}

std::unique_ptr<Model> kiln::compileFileToJit(const std::string &path,
                                              const CompileOptions &options) {
  return compileToJit(readFile(path), options, path);
}

std::string kiln::importONNX(const std::string &modelBytes,
                             const std::string &sourceName) {
  Session session;
  auto module =
      session.load(modelBytes, llvm::StringRef(sourceName).ends_with(".onnx")
                                   ? sourceName
                                   : sourceName + ".onnx");
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

std::unique_ptr<Model> kiln::compileToJit(const std::string &source,
                                          const CompileOptions &options,
                                          const std::string &sourceName) {
  Session session;
  auto module = session.load(source, sourceName);
  session.lower(*module, OutputKind::SharedLibrary, options);
  return std::make_unique<JitModel>(*module, options);
}
