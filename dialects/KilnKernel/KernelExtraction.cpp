//===- KernelExtraction.cpp - one dispatch as a module of its own ---------===//
#include "dialects/KilnKernel/KernelExtraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;
using namespace mlir::kiln_kernel;

/// Whether `value` can be recomputed inside the kernel: a result of an op
/// whose operands can be too (constants, tensor.empty of a static shape).
static bool isRecomputable(Value value, unsigned depth = 0) {
  Operation *op = value.getDefiningOp();
  if (!op || depth > 8 || op->getNumRegions() || isa<DispatchOp>(op) ||
      !isMemoryEffectFree(op))
    return false;
  return llvm::all_of(op->getOperands(), [&](Value operand) {
    return isRecomputable(operand, depth + 1);
  });
}

/// Copies the ops computing `value` (already checked recomputable) before
/// the builder's insertion point.
static void cloneComputation(Value value, OpBuilder &builder,
                             IRMapping &mapping) {
  if (mapping.contains(value))
    return;
  Operation *op = value.getDefiningOp();
  for (Value operand : op->getOperands())
    cloneComputation(operand, builder, mapping);
  builder.clone(*op, mapping);
}

/// A module with `@main(arguments)` whose body `fillBody` writes: the
/// values in `outside` are mapped to the arguments or recomputed.
static OwningOpRef<ModuleOp> buildKernelModule(
    Operation *anchor, const llvm::SetVector<Value> &outside,
    TypeRange resultTypes,
    function_ref<Operation *(OpBuilder &, IRMapping &)> fillBody) {
  SmallVector<Value> arguments;
  for (Value value : outside) {
    if (isRecomputable(value))
      continue;
    if (!isa<RankedTensorType>(value.getType())) {
      anchor->emitError("cannot take this kernel out of its function: it "
                        "reads a ")
          << value.getType() << " that is not computed from constants";
      return nullptr;
    }
    arguments.push_back(value);
  }
  OpBuilder builder(anchor->getContext());
  Location loc = anchor->getLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(module->getBody());
  SmallVector<Type> argumentTypes;
  for (Value value : arguments)
    argumentTypes.push_back(value.getType());
  auto function =
      func::FuncOp::create(builder, loc, "main",
                           builder.getFunctionType(argumentTypes, resultTypes));
  for (unsigned i = 0; i < arguments.size(); ++i)
    function.setArgAttr(i, "kiln.name",
                        builder.getStringAttr("in" + std::to_string(i)));
  for (unsigned i = 0; i < resultTypes.size(); ++i)
    function.setResultAttr(i, "kiln.name",
                           builder.getStringAttr("out" + std::to_string(i)));
  Block *entry = function.addEntryBlock();
  builder.setInsertionPointToEnd(entry);
  IRMapping mapping;
  for (auto [value, argument] : llvm::zip(arguments, entry->getArguments()))
    mapping.map(value, argument);
  for (Value value : outside)
    if (!mapping.contains(value))
      cloneComputation(value, builder, mapping);
  Operation *copy = fillBody(builder, mapping);
  func::ReturnOp::create(builder, loc, copy->getResults());
  return module;
}

OwningOpRef<ModuleOp> mlir::kiln_kernel::extractKernel(DispatchOp dispatch) {
  llvm::SetVector<Value> outside;
  getUsedValuesDefinedAbove(dispatch.getBody(), outside);
  return buildKernelModule(dispatch, outside, dispatch.getResultTypes(),
                           [&](OpBuilder &builder, IRMapping &mapping) {
                             Operation *copy =
                                 builder.clone(*dispatch, mapping);
                             copy->removeAttr("schedule");
                             return copy;
                           });
}

OwningOpRef<ModuleOp> mlir::kiln_kernel::formKernel(ArrayRef<Operation *> ops,
                                                    StringRef kind) {
  llvm::SetVector<Operation *> members(ops.begin(), ops.end());
  for (Operation *op : ops)
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp();
          isa_and_nonnull<linalg::FillOp>(def) &&
          llvm::all_of(def->getUsers(),
                       [&](Operation *user) { return members.contains(user); }))
        members.insert(def);
  SmallVector<Operation *> ordered(members.begin(), members.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  llvm::SetVector<Value> outside;
  for (Operation *op : ordered) {
    for (Value operand : op->getOperands())
      if (!members.contains(operand.getDefiningOp()))
        outside.insert(operand);
    for (Region &region : op->getRegions())
      getUsedValuesDefinedAbove(region, outside);
  }
  Operation *tail = ops.back();
  return buildKernelModule(
      tail, outside, tail->getResultTypes(),
      [&](OpBuilder &builder, IRMapping &mapping) {
        auto dispatch = DispatchOp::create(builder, tail->getLoc(),
                                           tail->getResultTypes(), kind,
                                           /*schedule=*/nullptr);
        OpBuilder::InsertionGuard guard(builder);
        builder.createBlock(&dispatch.getBody());
        for (Operation *op : ordered)
          builder.clone(*op, mapping);
        YieldOp::create(builder, tail->getLoc(),
                        llvm::map_to_vector(tail->getResults(), [&](Value v) {
                          return mapping.lookup(v);
                        }));
        return dispatch.getOperation();
      });
}

/// A splat of `type`'s elements with a neutral value.
static Attribute splatOf(ShapedType type) {
  Type element = type.getElementType();
  if (auto floatType = dyn_cast<FloatType>(element))
    return DenseElementsAttr::get(type, FloatAttr::get(floatType, 0.5));
  if (auto intType = dyn_cast<IntegerType>(element))
    return DenseElementsAttr::get(type, IntegerAttr::get(intType, 1));
  return {};
}

void mlir::kiln_kernel::splatConstants(ModuleOp module) {
  module.walk([](arith::ConstantOp constant) {
    auto elements = dyn_cast<ElementsAttr>(constant.getValue());
    if (!elements)
      return;
    if (auto dense = dyn_cast<DenseElementsAttr>(elements);
        dense && dense.isSplat())
      return;
    if (Attribute splat = splatOf(cast<ShapedType>(elements.getType())))
      constant.setValueAttr(cast<TypedAttr>(splat));
  });
}

std::string mlir::kiln_kernel::hashKernel(ModuleOp kernel) {
  OwningOpRef<ModuleOp> copy = kernel.clone();
  splatConstants(*copy);
  copy->walk([](DispatchOp dispatch) { dispatch->removeAttr("schedule"); });
  std::string text;
  llvm::raw_string_ostream os(text);
  copy->print(os, OpPrintingFlags().printGenericOpForm());
  os.flush();
  char buffer[20];
  snprintf(buffer, sizeof(buffer), "%016llx",
           (unsigned long long)llvm::xxh3_64bits(text));
  return buffer;
}

std::string mlir::kiln_kernel::hashDispatch(DispatchOp dispatch) {
  // Extraction errors are not this function's business: only its hash.
  ScopedDiagnosticHandler silence(dispatch.getContext(),
                                  [](Diagnostic &) { return success(); });
  OwningOpRef<ModuleOp> kernel = extractKernel(dispatch);
  return kernel ? hashKernel(*kernel) : std::string();
}
