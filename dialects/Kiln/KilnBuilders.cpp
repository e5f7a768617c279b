//===- KilnBuilders.cpp - Building kiln ops from untrusted input ----------===//
#include "dialects/Kiln/KilnBuilders.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

using namespace mlir;

FailureOr<Value> kiln::buildInferred(OpBuilder &builder, Location loc,
                                     StringRef name, ValueRange operands,
                                     ArrayRef<NamedAttribute> attributes) {
  MLIRContext *ctx = builder.getContext();
  std::string fullName = ("kiln." + name).str();
  std::optional<RegisteredOperationName> opName =
      RegisteredOperationName::lookup(fullName, ctx);
  if (!opName) {
    emitError(loc) << "unknown kiln op '" << fullName << "'";
    return failure();
  }
  // An attribute of the wrong kind would not make it into the op's
  // properties, and its verifier or type inference would read nothing.
  NamedAttrList attrList(attributes);
  if (failed(opName->verifyInherentAttrs(attrList, [&] {
        return emitError(loc) << "'" << fullName << "' op ";
      })))
    return failure();
  // Build with a placeholder result type, then ask the op for the real one.
  OperationState state(loc, fullName);
  state.addOperands(operands);
  state.addAttributes(attributes);
  state.addTypes(builder.getNoneType());
  Operation *op = builder.create(state);
  SmallVector<Type> types;
  LogicalResult inferred = failure();
  if (auto infer = dyn_cast<InferTypeOpInterface>(op))
    inferred = infer.inferReturnTypes(
        ctx, loc, op->getOperands(), op->getRawDictionaryAttrs(),
        op->getPropertiesStorage(), op->getRegions(), types);
  else if (op->hasTrait<OpTrait::SameOperandsAndResultType>() &&
           op->getNumOperands() > 0)
    inferred = success(), types.push_back(operands.front().getType());
  else
    emitError(loc) << "cannot infer the result type of '" << fullName << "'";
  if (succeeded(inferred)) {
    op->getResult(0).setType(types.front());
    if (succeeded(verify(op)))
      return op->getResult(0);
  }
  op->erase();
  return failure();
}
