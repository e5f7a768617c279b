//===- EntryPoints.cpp - kiln-annotate/export-entry-points ----------------===//
//
// The runtime calls every compiled function through one signature,
// `void _kiln_entry_<name>(void **args)`, and learns its inputs and outputs
// from the `kiln_metadata` JSON string; both are produced here.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/JSON.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNANNOTATEENTRYPOINTS
#define GEN_PASS_DEF_KILNEXPORTENTRYPOINTS
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

static constexpr StringLiteral kMetadataAttr = "kiln.metadata";
static constexpr StringLiteral kNameAttr = "kiln.name";

/// NumPy's name for an element type, or "" if the runtime cannot carry it.
static std::string dtypeName(Type type) {
  if (type.isF32())
    return "float32";
  if (type.isF64())
    return "float64";
  if (type.isF16())
    return "float16";
  if (type.isInteger(1))
    return "bool";
  if (type.isSignlessInteger(8))
    return "int8";
  if (type.isSignlessInteger(16))
    return "int16";
  if (type.isSignlessInteger(32))
    return "int32";
  if (type.isSignlessInteger(64))
    return "int64";
  if (type.isUnsignedInteger(8))
    return "uint8";
  return "";
}

namespace {

struct KilnAnnotateEntryPointsPass
    : kiln::impl::KilnAnnotateEntryPointsBase<KilnAnnotateEntryPointsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::json::Array entries;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isDeclaration())
        continue;
      auto describe = [&](Type type, DictionaryAttr attrs, StringRef kind,
                          unsigned index) -> std::optional<llvm::json::Object> {
        auto tensor = dyn_cast<RankedTensorType>(type);
        std::string dtype = tensor ? dtypeName(tensor.getElementType()) : "";
        if (dtype.empty()) {
          func.emitError() << "entry point '" << func.getSymName() << "' "
                           << kind << " " << index << " has type " << type
                           << "; expected a ranked tensor of f16, f32, f64, "
                              "i1, i8, i16, i32, i64 or ui8";
          return std::nullopt;
        }
        std::string name = (kind + Twine(index)).str();
        if (attrs)
          if (auto given = attrs.getAs<StringAttr>(kNameAttr))
            name = given.str();
        llvm::json::Array shape;
        for (int64_t d : tensor.getShape())
          shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
        return llvm::json::Object{
            {"name", name}, {"dtype", dtype}, {"shape", std::move(shape)}};
      };
      llvm::json::Array inputs, outputs;
      FunctionType type = func.getFunctionType();
      for (unsigned i = 0; i < type.getNumInputs(); ++i) {
        auto d = describe(type.getInput(i), func.getArgAttrDict(i), "input", i);
        if (!d)
          return signalPassFailure();
        inputs.push_back(std::move(*d));
      }
      for (unsigned i = 0; i < type.getNumResults(); ++i) {
        auto d =
            describe(type.getResult(i), func.getResultAttrDict(i), "output", i);
        if (!d)
          return signalPassFailure();
        outputs.push_back(std::move(*d));
      }
      entries.push_back(llvm::json::Object{{"name", func.getSymName().str()},
                                           {"inputs", std::move(inputs)},
                                           {"outputs", std::move(outputs)}});
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(&getContext()));
    }
    std::string text;
    llvm::raw_string_ostream os(text);
    os << llvm::json::Value(llvm::json::Object{
        {"format", "kiln-1"}, {"entries", std::move(entries)}});
    module->setAttr(kMetadataAttr, StringAttr::get(&getContext(), text));
  }
};

struct KilnExportEntryPointsPass
    : kiln::impl::KilnExportEntryPointsBase<KilnExportEntryPointsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto voidType = LLVM::LLVMVoidType::get(ctx);

    SmallVector<LLVM::LLVMFuncOp> wrappers;
    for (auto func : module.getOps<LLVM::LLVMFuncOp>())
      if (func.getName().starts_with("_mlir_ciface_") && !func.isExternal())
        wrappers.push_back(func);
    for (LLVM::LLVMFuncOp wrapper : wrappers) {
      StringRef name = wrapper.getName().drop_front(strlen("_mlir_ciface_"));
      auto original = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
      bool hasResults =
          original &&
          !isa<LLVM::LLVMVoidType>(original.getFunctionType().getReturnType());
      auto entry = LLVM::LLVMFuncOp::create(
          b, loc, ("_kiln_entry_" + name).str(),
          LLVM::LLVMFunctionType::get(voidType, {ptr}));
      OpBuilder::InsertionGuard guard(b);
      Block *body = entry.addEntryBlock(b);
      b.setInsertionPointToStart(body);
      Value args = body->getArgument(0);
      SmallVector<Value> operands;
      unsigned count = wrapper.getNumArguments();
      // args[0] holds the result storage; inputs start at args[1].
      for (unsigned i = 0; i < count; ++i) {
        int32_t slot = hasResults ? i : i + 1;
        Value address = LLVM::GEPOp::create(b, loc, ptr, ptr, args,
                                            ArrayRef<LLVM::GEPArg>{slot});
        operands.push_back(LLVM::LoadOp::create(b, loc, ptr, address));
      }
      LLVM::CallOp::create(b, loc, wrapper, operands);
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    }

    auto metadata = module->getAttrOfType<StringAttr>(kMetadataAttr);
    if (!metadata) {
      module.emitError("missing the 'kiln.metadata' attribute; run "
                       "kiln-annotate-entry-points on tensor-level IR first");
      return signalPassFailure();
    }
    std::string text = metadata.str();
    text.push_back('\0');
    auto arrayType =
        LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), text.size());
    LLVM::GlobalOp::create(b, loc, arrayType, /*isConstant=*/true,
                           LLVM::Linkage::External, "kiln_metadata",
                           b.getStringAttr(text));
  }
};

} // namespace
