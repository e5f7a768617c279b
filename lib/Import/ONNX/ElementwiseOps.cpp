//===- ElementwiseOps.cpp - ONNX elementwise operators --------------------===//
#include "ConverterUtils.h"

namespace kiln::onnx_import {
using namespace mlir;

namespace {

/// ONNX operators that are one kiln op with the same operands.
const std::map<std::string, std::string> &directOps() {
  static const std::map<std::string, std::string> ops = {
      {"Neg", "neg"},
      {"Abs", "abs"},
      {"Sign", "sign"},
      {"Relu", "relu"},
      {"Not", "not"},
      {"Exp", "exp"},
      {"Log", "log"},
      {"Sqrt", "sqrt"},
      {"Reciprocal", "reciprocal"},
      {"Tanh", "tanh"},
      {"Sigmoid", "sigmoid"},
      {"Erf", "erf"},
      {"Floor", "floor"},
      {"Ceil", "ceil"},
      {"Round", "round"},
      {"Sin", "sin"},
      {"Cos", "cos"},
      {"Softplus", "softplus"},
      {"Asin", "asin"},
      {"Acos", "acos"},
      {"Atan", "atan"},
      {"HardSwish", "hard_swish"},
      {"Add", "add"},
      {"Sub", "sub"},
      {"Mul", "mul"},
      {"Div", "div"},
      {"Equal", "equal"},
      {"Less", "less"},
      {"LessOrEqual", "less_equal"},
      {"Greater", "greater"},
      {"GreaterOrEqual", "greater_equal"},
      {"And", "and"},
      {"Or", "or"},
      {"Xor", "xor"},
      {"Where", "where"},
  };
  return ops;
}

LogicalResult convertDirect(const onnx::NodeProto &node, ImportContext &c) {
  SmallVector<Value> operands;
  for (int i = 0; i < node.input_size(); ++i)
    operands.push_back(input(node, c, i));
  return define(node, c, c.build(directOps().at(node.op_type()), operands));
}

LogicalResult convertIdentity(const onnx::NodeProto &node, ImportContext &c) {
  c.define(node.output(0), input(node, c, 0));
  return success();
}

/// Inference-mode Dropout: the identity, with an all-true mask.
LogicalResult convertDropout(const onnx::NodeProto &node, ImportContext &c) {
  if (Value training = input(node, c, 2)) {
    std::optional<double> mode = c.constantScalar(training);
    if (!mode || *mode != 0)
      return c.error() << "Dropout in training mode is not supported "
                          "(training_mode must be a constant false)";
  }
  Value x = input(node, c, 0);
  if (node.output_size() > 1 && !node.output(1).empty()) {
    auto type = cast<RankedTensorType>(x.getType());
    if (!type.hasStaticShape())
      return c.error() << "Dropout's mask output needs a static shape";
    auto maskType =
        RankedTensorType::get(type.getShape(), c.builder.getI1Type());
    c.define(node.output(1),
             c.constant(DenseElementsAttr::get(maskType, true)));
  }
  return convertIdentity(node, c);
}

/// Max, Min, Sum, Mean: a chain of binary ops over all inputs.
LogicalResult convertVariadic(const onnx::NodeProto &node, ImportContext &c) {
  static const std::map<std::string, std::string> ops = {
      {"Max", "max"}, {"Min", "min"}, {"Sum", "add"}, {"Mean", "add"}};
  FailureOr<Value> acc = input(node, c, 0);
  for (int i = 1; i < node.input_size() && succeeded(acc); ++i)
    acc = c.build(ops.at(node.op_type()), {*acc, input(node, c, i)});
  if (succeeded(acc) && node.op_type() == "Mean")
    acc = c.build("div",
                  {*acc, c.scalarConstant(elementOf(*acc), node.input_size())});
  return define(node, c, acc);
}

LogicalResult convertPow(const onnx::NodeProto &node, ImportContext &c) {
  Value base = input(node, c, 0), exponent = input(node, c, 1);
  FailureOr<Value> cast = castTo(c, exponent, elementOf(base));
  if (failed(cast))
    return failure();
  return define(node, c, c.build("pow", {base, *cast}));
}

LogicalResult convertMod(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0), y = input(node, c, 1);
  if (getInt(node, "fmod", 0) == 0)
    return define(node, c, c.build("mod", {x, y}));
  // fmod: the remainder with the sign of the dividend, x - y * trunc(x / y).
  if (!isa<FloatType>(elementOf(x)))
    return c.error() << "Mod with fmod=1 on integers is not supported";
  FailureOr<Value> q = c.build("div", {x, y});
  if (failed(q))
    return failure();
  FailureOr<Value> zero = c.scalarConstant(elementOf(x), 0);
  FailureOr<Value> negative = c.build("less", {*q, *zero});
  FailureOr<Value> up = c.build("ceil", {*q});
  FailureOr<Value> down = c.build("floor", {*q});
  FailureOr<Value> trunc = c.build("where", {*negative, *up, *down});
  FailureOr<Value> product = c.build("mul", {*trunc, y});
  return define(node, c, c.build("sub", {x, *product}));
}

LogicalResult convertCast(const onnx::NodeProto &node, ImportContext &c) {
  Type to = elementType(c.builder.getContext(), getInt(node, "to", 0));
  if (!to)
    return c.error() << "Cast to unsupported ONNX type "
                     << getInt(node, "to", 0);
  return define(node, c, castTo(c, input(node, c, 0), to));
}

LogicalResult convertWithAlpha(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  const std::string &op = node.op_type();
  if (op == "LeakyRelu")
    return define(node, c,
                  c.build("leaky_relu", {x},
                          {c.f64("alpha", getFloat(node, "alpha", 0.01f))}));
  if (op == "Elu")
    return define(
        node, c,
        c.build("elu", {x}, {c.f64("alpha", getFloat(node, "alpha", 1.0f))}));
  if (op == "HardSigmoid")
    return define(node, c,
                  c.build("hard_sigmoid", {x},
                          {c.f64("alpha", getFloat(node, "alpha", 0.2f)),
                           c.f64("beta", getFloat(node, "beta", 0.5f))}));
  if (op == "Selu") {
    FailureOr<Value> elu = c.build(
        "elu", {x},
        {c.f64("alpha", getFloat(node, "alpha", 1.67326319217681884765625f))});
    if (failed(elu))
      return failure();
    return define(
        node, c,
        c.build("mul", {*elu, c.scalarConstant(
                                  elementOf(x),
                                  getFloat(node, "gamma",
                                           1.05070102214813232421875f))}));
  }
  return failure();
}

/// Activations written with a few kiln ops.
LogicalResult convertComposite(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  Type element = elementOf(x);
  const std::string &op = node.op_type();
  auto k = [&](double v) { return c.scalarConstant(element, v); };
  if (op == "PRelu") {
    FailureOr<Value> negative = c.build("less", {x, k(0)});
    FailureOr<Value> scaled = c.build("mul", {x, input(node, c, 1)});
    if (failed(negative) || failed(scaled))
      return failure();
    return define(node, c, c.build("where", {*negative, *scaled, x}));
  }
  if (op == "ThresholdedRelu") {
    FailureOr<Value> above =
        c.build("greater", {x, k(getFloat(node, "alpha", 1.0f))});
    if (failed(above))
      return failure();
    return define(node, c, c.build("where", {*above, x, k(0)}));
  }
  if (op == "Softsign") {
    FailureOr<Value> abs = c.build("abs", {x});
    FailureOr<Value> denom =
        succeeded(abs) ? c.build("add", {*abs, k(1)}) : abs;
    if (failed(denom))
      return failure();
    return define(node, c, c.build("div", {x, *denom}));
  }
  if (op == "Mish") {
    FailureOr<Value> sp = c.build("softplus", {x});
    FailureOr<Value> t = succeeded(sp) ? c.build("tanh", {*sp}) : sp;
    if (failed(t))
      return failure();
    return define(node, c, c.build("mul", {x, *t}));
  }
  if (op == "Tan") {
    FailureOr<Value> s = c.build("sin", {x}), co = c.build("cos", {x});
    if (failed(s) || failed(co))
      return failure();
    return define(node, c, c.build("div", {*s, *co}));
  }
  if (op == "IsNaN")
    return define(node, c, c.build("not_equal", {x, x}));
  if (op == "Celu") {
    // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
    double alpha = getFloat(node, "alpha", 1.0f);
    FailureOr<Value> scaled = c.build("div", {x, k(alpha)});
    FailureOr<Value> elu =
        succeeded(scaled) ? c.build("elu", {*scaled}, {c.f64("alpha", 1.0)})
                          : scaled;
    if (failed(elu))
      return failure();
    return define(node, c, c.build("mul", {*elu, k(alpha)}));
  }
  return failure();
}

LogicalResult convertClip(const onnx::NodeProto &node, ImportContext &c) {
  Value x = input(node, c, 0);
  SmallVector<NamedAttribute> attrs;
  if (c.opset < 11) {
    if (findAttribute(node, "min"))
      attrs.push_back(c.f64("min", getFloat(node, "min", 0)));
    if (findAttribute(node, "max"))
      attrs.push_back(c.f64("max", getFloat(node, "max", 0)));
    return define(node, c, c.build("clip", {x}, attrs));
  }
  // Opset 11+: min and max are optional inputs, constant in practice.
  FailureOr<Value> result = x;
  for (int i = 1; i <= 2 && succeeded(result); ++i) {
    Value bound = input(node, c, i);
    if (!bound)
      continue;
    if (std::optional<double> v = c.constantScalar(bound)) {
      attrs.push_back(c.f64(i == 1 ? "min" : "max", *v));
      continue;
    }
    result = c.build(i == 1 ? "max" : "min", {*result, bound});
  }
  if (failed(result))
    return failure();
  if (attrs.empty())
    return define(node, c, result);
  return define(node, c, c.build("clip", {*result}, attrs));
}

} // namespace

void registerElementwiseConverters(ConverterTable &table) {
  for (const auto &entry : directOps())
    table[entry.first] = convertDirect;
  for (const char *op : {"Max", "Min", "Sum", "Mean"})
    table[op] = convertVariadic;
  for (const char *op : {"LeakyRelu", "Elu", "HardSigmoid", "Selu"})
    table[op] = convertWithAlpha;
  for (const char *op :
       {"PRelu", "ThresholdedRelu", "Softsign", "Mish", "Tan", "IsNaN", "Celu"})
    table[op] = convertComposite;
  table["Identity"] = convertIdentity;
  table["Dropout"] = convertDropout;
  table["Pow"] = convertPow;
  table["Mod"] = convertMod;
  table["Cast"] = convertCast;
  table["Clip"] = convertClip;
}

} // namespace kiln::onnx_import
