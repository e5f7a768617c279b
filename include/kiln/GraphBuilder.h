//===- GraphBuilder.h - Build kiln graphs programmatically ------*- C++ -*-===//
//
// Builds a kiln-dialect function op by op, inferring each result type with
// the op's own rules; a rejected op throws kiln::Error with the op's
// diagnostic. Used by the Python `kiln.Graph` builder and the torch.fx
// importer; the result is MLIR text that kiln::compileToFile accepts.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_GRAPHBUILDER_H
#define KILN_GRAPHBUILDER_H

#include "kiln/Runtime.h"

#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace kiln {

/// An op attribute: an integer (i64), a float (f64), a bool, a string or a
/// list of integers (array<i64>).
using AttributeValue =
    std::variant<int64_t, double, bool, std::string, std::vector<int64_t>>;
struct NamedAttributeValue {
  std::string name;
  AttributeValue value;
};

class GraphBuilder {
public:
  GraphBuilder();
  ~GraphBuilder();
  GraphBuilder(const GraphBuilder &) = delete;
  GraphBuilder &operator=(const GraphBuilder &) = delete;

  /// Values are referred to by the ids these functions return.
  /// `shape` uses -1 for dynamic dimensions.
  int addInput(const std::string &name, DType dtype,
               const std::vector<int64_t> &shape);
  int addConstant(const Tensor &value);
  /// Adds `kiln.<op>`; throws kiln::Error if the op rejects its operands.
  int addOp(const std::string &op, const std::vector<int> &operands,
            const std::vector<NamedAttributeValue> &attributes = {});
  void addOutput(int value, const std::string &name);

  /// The element type (as MLIR prints it, e.g. "f32") and shape of a value.
  std::string elementTypeOf(int value) const;
  std::vector<int64_t> shapeOf(int value) const;

  /// The function built so far, as MLIR text, with `@main` returning the
  /// outputs; throws if it does not verify.
  std::string toMLIR() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace kiln

#endif // KILN_GRAPHBUILDER_H
