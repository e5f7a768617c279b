//===- GraphBuilder.cpp - Build kiln graphs programmatically --------------===//
#include "kiln/GraphBuilder.h"

#include "dialects/Kiln/KilnBuilders.h"
#include "dialects/Kiln/KilnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

using namespace kiln;

namespace {
mlir::Type elementTypeFor(mlir::Builder &b, DType dtype) {
  switch (dtype) {
  case DType::Float32:
    return b.getF32Type();
  case DType::Float64:
    return b.getF64Type();
  case DType::Float16:
    return b.getF16Type();
  case DType::Bool:
    return b.getI1Type();
  case DType::Int8:
    return b.getIntegerType(8);
  case DType::Int16:
    return b.getIntegerType(16);
  case DType::Int32:
    return b.getI32Type();
  case DType::Int64:
    return b.getI64Type();
  case DType::UInt8:
    return b.getIntegerType(8, /*isSigned=*/false);
  }
  return {};
}

llvm::SmallVector<int64_t> toMLIRShape(const std::vector<int64_t> &shape) {
  llvm::SmallVector<int64_t> result;
  for (int64_t d : shape)
    result.push_back(d < 0 ? mlir::ShapedType::kDynamic : d);
  return result;
}
} // namespace

struct GraphBuilder::Impl {
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::func::FuncOp func;
  mlir::OpBuilder builder{&context};
  std::vector<mlir::Value> values;
  std::vector<std::pair<mlir::Value, std::string>> outputs;
  std::string diagnostics;
  std::optional<mlir::ScopedDiagnosticHandler> handler;

  Impl() {
    context.loadDialect<mlir::kiln::KilnDialect, mlir::func::FuncDialect>();
    handler.emplace(&context, [this](mlir::Diagnostic &diag) {
      diagnostics += diag.str() + "\n";
      return mlir::success();
    });
    mlir::Location loc = builder.getUnknownLoc();
    module = mlir::ModuleOp::create(loc);
    builder.setInsertionPointToEnd(module->getBody());
    func = mlir::func::FuncOp::create(builder, loc, "main",
                                      builder.getFunctionType({}, {}));
    builder.setInsertionPointToStart(func.addEntryBlock());
  }

  mlir::Value value(int id) const {
    if (id < 0 || id >= (int)values.size())
      throw Error("unknown graph value #" + std::to_string(id));
    return values[id];
  }
  int add(mlir::Value v) {
    values.push_back(v);
    return values.size() - 1;
  }
  [[noreturn]] void fail(const std::string &summary) {
    std::string text = diagnostics.empty() ? summary : diagnostics;
    diagnostics.clear();
    if (!text.empty() && text.back() == '\n')
      text.pop_back();
    throw Error(text);
  }
};

GraphBuilder::GraphBuilder() : impl(std::make_unique<Impl>()) {}
GraphBuilder::~GraphBuilder() = default;

int GraphBuilder::addInput(const std::string &name, DType dtype,
                           const std::vector<int64_t> &shape) {
  auto type = mlir::RankedTensorType::get(toMLIRShape(shape),
                                          elementTypeFor(impl->builder, dtype));
  mlir::Block &body = impl->func.getBody().front();
  mlir::Value arg = body.addArgument(type, impl->builder.getUnknownLoc());
  llvm::SmallVector<mlir::Type> inputs(body.getArgumentTypes());
  impl->func.setType(impl->builder.getFunctionType(inputs, {}));
  impl->func.setArgAttr(mlir::cast<mlir::BlockArgument>(arg).getArgNumber(),
                        "kiln.name", impl->builder.getStringAttr(name));
  return impl->add(arg);
}

int GraphBuilder::addConstant(const Tensor &value) {
  mlir::Builder &b = impl->builder;
  auto type = mlir::RankedTensorType::get(toMLIRShape(value.shape),
                                          elementTypeFor(b, value.dtype));
  mlir::DenseElementsAttr attr;
  if (value.dtype == DType::Bool) {
    llvm::SmallVector<bool> bits(value.data.begin(), value.data.end());
    attr = mlir::DenseElementsAttr::get(type, llvm::ArrayRef<bool>(bits));
  } else {
    attr = mlir::DenseElementsAttr::getFromRawBuffer(
        type,
        llvm::ArrayRef<char>(reinterpret_cast<const char *>(value.data.data()),
                             value.data.size()));
  }
  return impl->add(mlir::kiln::ConstantOp::create(
      impl->builder, impl->builder.getUnknownLoc(), type, attr));
}

int GraphBuilder::addOp(const std::string &op, const std::vector<int> &operands,
                        const std::vector<NamedAttributeValue> &attributes) {
  mlir::OpBuilder &b = impl->builder;
  llvm::SmallVector<mlir::Value> values;
  for (int id : operands)
    values.push_back(impl->value(id));
  // A misspelt attribute would otherwise become a discardable attribute that
  // nothing reads.
  std::optional<mlir::RegisteredOperationName> name =
      mlir::RegisteredOperationName::lookup("kiln." + op, &impl->context);
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  for (const NamedAttributeValue &a : attributes) {
    if (name && !llvm::is_contained(name->getAttributeNames(),
                                    b.getStringAttr(a.name))) {
      std::string known;
      for (mlir::StringAttr n : name->getAttributeNames())
        known += (known.empty() ? "" : ", ") + n.str();
      throw Error(
          "'kiln." + op + "' has no attribute '" + a.name + "' (" +
          (known.empty() ? std::string("it takes none") : "it takes " + known) +
          ")");
    }
    mlir::Attribute attr = std::visit(
        [&](const auto &v) -> mlir::Attribute {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, int64_t>)
            return b.getI64IntegerAttr(v);
          else if constexpr (std::is_same_v<T, double>)
            return b.getF64FloatAttr(v);
          else if constexpr (std::is_same_v<T, bool>)
            return b.getBoolAttr(v);
          else if constexpr (std::is_same_v<T, std::string>)
            return b.getStringAttr(v);
          else
            return b.getDenseI64ArrayAttr(v);
        },
        a.value);
    attrs.push_back(b.getNamedAttr(a.name, attr));
  }
  mlir::Location loc = mlir::NameLoc::get(b.getStringAttr(op));
  mlir::FailureOr<mlir::Value> result =
      mlir::kiln::buildInferred(b, loc, op, values, attrs);
  if (mlir::failed(result))
    impl->fail("cannot build kiln." + op);
  return impl->add(*result);
}

void GraphBuilder::addOutput(int value, const std::string &name) {
  impl->outputs.emplace_back(impl->value(value), name);
}

std::string GraphBuilder::elementTypeOf(int value) const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << mlir::cast<mlir::RankedTensorType>(impl->value(value).getType())
            .getElementType();
  return text;
}

std::vector<int64_t> GraphBuilder::shapeOf(int value) const {
  std::vector<int64_t> shape;
  for (int64_t d :
       mlir::cast<mlir::RankedTensorType>(impl->value(value).getType())
           .getShape())
    shape.push_back(mlir::ShapedType::isDynamic(d) ? -1 : d);
  return shape;
}

std::string GraphBuilder::toMLIR() const {
  // Print a copy with the return added, so that building can go on.
  mlir::OwningOpRef<mlir::ModuleOp> copy = impl->module->clone();
  auto func = *copy->getOps<mlir::func::FuncOp>().begin();
  mlir::OpBuilder b(&impl->context);
  b.setInsertionPointToEnd(&func.getBody().front());
  // Outputs are values of the original function: map them by position.
  llvm::DenseMap<mlir::Value, mlir::Value> mapping;
  auto originalOps = impl->func.getBody().front().without_terminator();
  auto copiedOps = func.getBody().front().without_terminator();
  for (auto [arg, copiedArg] :
       llvm::zip(impl->func.getArguments(), func.getArguments()))
    mapping[arg] = copiedArg;
  for (auto [orig, copied] : llvm::zip(originalOps, copiedOps))
    for (auto [r, c] : llvm::zip(orig.getResults(), copied.getResults()))
      mapping[r] = c;
  llvm::SmallVector<mlir::Value> results;
  llvm::SmallVector<mlir::Type> types;
  for (auto &[value, name] : impl->outputs) {
    results.push_back(mapping.lookup(value));
    types.push_back(value.getType());
  }
  mlir::func::ReturnOp::create(b, b.getUnknownLoc(), results);
  func.setType(b.getFunctionType(func.getArgumentTypes(), types));
  for (auto [i, output] : llvm::enumerate(impl->outputs))
    func.setResultAttr(i, "kiln.name", b.getStringAttr(output.second));
  if (mlir::failed(mlir::verify(*copy)))
    impl->fail("the graph does not verify");
  std::string text;
  llvm::raw_string_ostream os(text);
  copy->print(os);
  return text;
}
