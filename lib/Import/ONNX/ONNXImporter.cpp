//===- ONNXImporter.cpp - ONNX models into the kiln dialect ---------------===//
#include "ONNXImporter.h"
#include "ImportContext.h"

#include "dialects/Kiln/KilnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <set>

namespace kiln {
using namespace mlir;
using namespace onnx_import;

static Location nodeLocation(MLIRContext *ctx, const onnx::NodeProto &node,
                             const std::string &sourceName, int index) {
  std::string name = (node.name().empty() ? "#" + std::to_string(index)
                                          : "'" + node.name() + "'") +
                     " (" + node.op_type() + ")";
  return NameLoc::get(StringAttr::get(ctx, name),
                      FileLineColLoc::get(ctx, sourceName, 0, 0));
}

/// The type of a graph input or output from its value info.
static FailureOr<RankedTensorType>
valueInfoType(MLIRContext *ctx, const onnx::ValueInfoProto &info,
              Location loc) {
  if (!info.type().has_tensor_type()) {
    emitError(loc)
        << "graph value '" << info.name()
        << "' is not a tensor (sequences and maps are not supported)";
    return failure();
  }
  const auto &tensor = info.type().tensor_type();
  Type element = elementType(ctx, tensor.elem_type());
  if (!element) {
    emitError(loc) << "graph value '" << info.name()
                   << "' has unsupported element type " << tensor.elem_type();
    return failure();
  }
  if (!tensor.has_shape()) {
    emitError(loc) << "graph value '" << info.name()
                   << "' has no shape; Kiln needs ranked inputs";
    return failure();
  }
  SmallVector<int64_t> shape;
  for (const auto &dim : tensor.shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value()
                                        : ShapedType::kDynamic);
  return RankedTensorType::get(shape, element);
}

OwningOpRef<ModuleOp> importONNX(MLIRContext &context, const std::string &bytes,
                                 const std::string &sourceName) {
  context.loadDialect<mlir::kiln::KilnDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(&context, sourceName, 0, 0);
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) {
    emitError(fileLoc) << "not a valid ONNX model (protobuf parse failed)";
    return {};
  }
  int64_t opset = 0;
  for (const auto &entry : model.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      opset = entry.version();
  if (opset == 0)
    opset = 17;
  const onnx::GraphProto &graph = model.graph();

  // Report every unsupported operator before converting anything.
  std::vector<std::string> unsupported;
  for (const onnx::NodeProto &node : graph.node()) {
    bool known = (node.domain().empty() || node.domain() == "ai.onnx") &&
                 findConverter(node.op_type());
    if (!known)
      unsupported.push_back((node.domain().empty() ? "" : node.domain() + ".") +
                            node.op_type() + " (node '" + node.name() + "')");
  }
  if (!unsupported.empty()) {
    auto diag = emitError(fileLoc)
                << "the model uses " << unsupported.size()
                << " operator node(s) Kiln does not support: ";
    llvm::interleaveComma(unsupported, diag);
    return {};
  }

  // Diagnostics at a node's location name the node: "node 'conv1' (Conv):".
  bool reporting = false;
  ScopedDiagnosticHandler nameNodes(&context, [&](Diagnostic &diag) {
    auto nameLoc = dyn_cast<NameLoc>(diag.getLocation());
    if (!nameLoc || reporting)
      return failure();
    reporting = true;
    context.getDiagEngine().emit(nameLoc.getChildLoc(), diag.getSeverity())
        << "node " << nameLoc.getName().strref() << ": " << diag.str();
    reporting = false;
    return success();
  });

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder builder(&context);
  builder.setInsertionPointToEnd(module->getBody());

  std::set<std::string> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());
  SmallVector<Type> inputTypes;
  SmallVector<std::string> inputNames;
  for (const auto &input : graph.input()) {
    if (initializerNames.count(input.name()))
      continue;
    auto type = valueInfoType(&context, input, fileLoc);
    if (failed(type))
      return {};
    inputTypes.push_back(*type);
    inputNames.push_back(input.name());
  }

  auto func = func::FuncOp::create(builder, fileLoc, "main",
                                   builder.getFunctionType(inputTypes, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);
  ImportContext ctx(builder, opset);
  ctx.loc = fileLoc;
  for (auto [i, name] : llvm::enumerate(inputNames)) {
    func.setArgAttr(i, "kiln.name", builder.getStringAttr(name));
    ctx.define(name, body->getArgument(i));
  }
  for (const auto &init : graph.initializer()) {
    std::string error;
    auto attr = tensorToAttr(&context, init, error);
    if (failed(attr)) {
      emitError(fileLoc) << "initializer: " << error;
      return {};
    }
    ctx.define(init.name(), ctx.constant(*attr));
  }

  for (auto [index, node] : llvm::enumerate(graph.node())) {
    ctx.loc = nodeLocation(&context, node, sourceName, index);
    if (std::optional<LogicalResult> r = convertSymbolicShape(node, ctx)) {
      if (failed(*r))
        return {};
      continue;
    }
    for (const std::string &input : node.input())
      if (!input.empty() && !ctx.lookup(input)) {
        ctx.error() << node.op_type() << " node reads '" << input
                    << "', which no earlier node, input or initializer defines";
        return {};
      }
    if (failed(findConverter(node.op_type())(node, ctx)))
      return {};
  }

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &output : graph.output()) {
    Value v = ctx.lookup(output.name());
    if (!v) {
      emitError(fileLoc) << "graph output '" << output.name()
                         << "' is not produced by any node";
      return {};
    }
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  ctx.loc = fileLoc;
  func::ReturnOp::create(builder, fileLoc, results);
  func.setType(builder.getFunctionType(inputTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "kiln.name", builder.getStringAttr(output.name()));
  return module;
}

} // namespace kiln
