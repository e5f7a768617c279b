//===- KilnModule.cpp - Python bindings: kiln._kiln -----------------------===//
//
// Thin bindings over the C++ API; the user-facing `kiln` package (kiln/*.py)
// builds on them. kiln::Error becomes the Python exception kiln.Error, whose
// text carries the compiler's diagnostics.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler.h"
#include "kiln/GraphBuilder.h"
#include "kiln/Runtime.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

namespace py = pybind11;

namespace {

kiln::OutputKind parseKind(const std::string &kind) {
  if (std::optional<kiln::OutputKind> parsed = kiln::parseOutputKind(kind))
    return *parsed;
  throw kiln::Error("unknown output kind '" + kind +
                    "' (so, obj, llvm, kiln, linalg, llvm-dialect)");
}

kiln::Tensor toTensor(const py::array &array, const std::string &name) {
  std::string dtype = py::str(array.dtype()).cast<std::string>();
  std::optional<kiln::DType> parsed = kiln::parseDType(dtype);
  if (!parsed)
    throw kiln::Error("input '" + name + "' has unsupported dtype " + dtype);
  std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
  kiln::Tensor tensor(*parsed, shape);
  py::array contiguous =
      py::array::ensure(array, py::array::c_style | py::array::forcecast);
  std::memcpy(tensor.data.data(), contiguous.data(), tensor.data.size());
  return tensor;
}

/// A view of `array`'s buffer (made C-contiguous first if it is not; the
/// caller keeps `array` alive while the view is used).
kiln::TensorRef toTensorRef(py::array &array, const std::string &name) {
  std::string dtype = py::str(array.dtype()).cast<std::string>();
  std::optional<kiln::DType> parsed = kiln::parseDType(dtype);
  if (!parsed)
    throw kiln::Error("input '" + name + "' has unsupported dtype " + dtype);
  array = py::array::ensure(array, py::array::c_style);
  std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
  return kiln::TensorRef(*parsed, shape, array.data(), array.nbytes());
}

/// An array over `buffer` without a copy: a fresh copy of a large output
/// would be page-faulted in on every call. The array keeps the buffer.
py::array toArray(kiln::OutputBuffer buffer) {
  auto *owner = new std::shared_ptr<void>(std::move(buffer.owner));
  py::capsule base(
      owner, [](void *p) { delete static_cast<std::shared_ptr<void> *>(p); });
  return py::array(py::dtype(kiln::dtypeName(buffer.dtype)), buffer.shape, {},
                   buffer.data, base);
}

py::dict specToDict(const kiln::TensorSpec &spec) {
  py::dict d;
  d["name"] = spec.name;
  d["dtype"] = kiln::dtypeName(spec.dtype);
  py::list shape;
  for (int64_t s : spec.shape)
    shape.append(s < 0 ? py::object(py::none()) : py::object(py::int_(s)));
  d["shape"] = py::tuple(shape);
  return d;
}

kiln::CompileOptions makeOptions(int optLevel, int64_t vectorWidth,
                                 const std::string &target) {
  kiln::CompileOptions options;
  options.optLevel = optLevel;
  options.vectorWidth = vectorWidth;
  options.target = target;
  return options;
}

kiln::AttributeValue toAttribute(const std::string &name,
                                 const py::handle &value) {
  if (py::isinstance<py::bool_>(value))
    return value.cast<bool>();
  if (py::isinstance<py::int_>(value))
    return value.cast<int64_t>();
  if (py::isinstance<py::float_>(value))
    return value.cast<double>();
  if (py::isinstance<py::str>(value))
    return value.cast<std::string>();
  if (py::isinstance<py::sequence>(value))
    return value.cast<std::vector<int64_t>>();
  throw kiln::Error("attribute '" + name +
                    "' must be a bool, int, float, str or list of ints");
}

std::vector<int64_t> toShape(const py::sequence &shape) {
  std::vector<int64_t> result;
  for (const py::handle &d : shape)
    result.push_back(d.is_none() ? -1 : d.cast<int64_t>());
  return result;
}

py::tuple fromShape(const std::vector<int64_t> &shape) {
  py::list result;
  for (int64_t d : shape)
    result.append(d < 0 ? py::object(py::none()) : py::object(py::int_(d)));
  return py::tuple(result);
}

} // namespace

PYBIND11_MODULE(_kiln, m) {
  m.doc() = "Kiln compiler and runtime bindings";
  static py::exception<kiln::Error> error(m, "Error");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const kiln::Error &e) {
      error(e.what());
    }
  });

  py::class_<kiln::Model>(m, "Model")
      .def_property_readonly("metadata", &kiln::Model::metadataJson)
      .def_property("threads", &kiln::Model::numThreads,
                    &kiln::Model::setNumThreads)
      .def(
          "entry_point",
          [](const kiln::Model &model, const std::string &name) {
            const kiln::EntryPoint &entry = model.entryPoint(name);
            py::dict d;
            d["name"] = entry.name;
            py::list inputs, outputs;
            for (const auto &spec : entry.inputs)
              inputs.append(specToDict(spec));
            for (const auto &spec : entry.outputs)
              outputs.append(specToDict(spec));
            d["inputs"] = inputs;
            d["outputs"] = outputs;
            return d;
          },
          py::arg("name") = "main")
      .def(
          "run",
          [](const kiln::Model &model, const std::vector<py::array> &arrays,
             const std::string &entryName) {
            const kiln::EntryPoint &entry = model.entryPoint(entryName);
            std::vector<py::array> owned(arrays);
            std::vector<kiln::TensorRef> inputs;
            for (size_t i = 0; i < owned.size(); ++i)
              inputs.push_back(toTensorRef(owned[i], i < entry.inputs.size()
                                                         ? entry.inputs[i].name
                                                         : std::to_string(i)));
            std::vector<kiln::OutputBuffer> outputs;
            {
              py::gil_scoped_release release;
              outputs = model.runInPlace(inputs, entryName);
            }
            py::list result;
            for (kiln::OutputBuffer &buffer : outputs)
              result.append(toArray(std::move(buffer)));
            return result;
          },
          py::arg("inputs"), py::arg("entry") = "main");

  py::class_<kiln::GraphBuilder>(m, "GraphBuilder")
      .def(py::init<>())
      .def(
          "add_input",
          [](kiln::GraphBuilder &g, const std::string &name,
             const std::string &dtype, const py::sequence &shape) {
            std::optional<kiln::DType> parsed = kiln::parseDType(dtype);
            if (!parsed)
              throw kiln::Error("input '" + name + "': unsupported dtype " +
                                dtype);
            return g.addInput(name, *parsed, toShape(shape));
          },
          py::arg("name"), py::arg("dtype"), py::arg("shape"))
      .def(
          "add_constant",
          [](kiln::GraphBuilder &g, const py::array &value) {
            return g.addConstant(toTensor(value, "constant"));
          },
          py::arg("value"))
      .def(
          "add_op",
          [](kiln::GraphBuilder &g, const std::string &op,
             const std::vector<int> &operands, const py::dict &attributes) {
            std::vector<kiln::NamedAttributeValue> attrs;
            for (auto item : attributes) {
              std::string name = item.first.cast<std::string>();
              attrs.push_back({name, toAttribute(name, item.second)});
            }
            return g.addOp(op, operands, attrs);
          },
          py::arg("op"), py::arg("operands"),
          py::arg("attributes") = py::dict())
      .def("add_output", &kiln::GraphBuilder::addOutput, py::arg("value"),
           py::arg("name"))
      .def("element_type", &kiln::GraphBuilder::elementTypeOf)
      .def("shape", [](const kiln::GraphBuilder &g,
                       int value) { return fromShape(g.shapeOf(value)); })
      .def("to_mlir", &kiln::GraphBuilder::toMLIR);

  m.def("load", &kiln::loadModel, py::arg("path"),
        "Loads a model compiled to a shared library.");
  m.def(
      "compile_to_file",
      [](const py::bytes &source, const std::string &sourceName,
         const std::string &output, const std::string &kind, int optLevel,
         int64_t vectorWidth, const std::string &target,
         const std::string &costModel, const std::string &costModelPath,
         int tune, const std::string &tuningDatabase, bool explain) {
        std::string text = source;
        kiln::CompileOptions options =
            makeOptions(optLevel, vectorWidth, target);
        options.costModel = costModel;
        options.costModelPath = costModelPath;
        options.tune = tune;
        options.tuningDatabase = tuningDatabase;
        options.explain = explain;
        py::gil_scoped_release release;
        kiln::compileToFile(text, sourceName, output, parseKind(kind), options);
      },
      py::arg("source"), py::arg("source_name"), py::arg("output"),
      py::arg("kind") = "so", py::arg("opt_level") = 3,
      py::arg("vector_width") = 0, py::arg("target") = "cpu",
      py::arg("cost_model") = "default", py::arg("cost_model_path") = "",
      py::arg("tune") = 0, py::arg("tuning_db") = "",
      py::arg("explain") = false,
      "Compiles MLIR text (or ONNX bytes when source_name ends in .onnx).");
  m.def(
      "import_onnx",
      [](const py::bytes &model, const std::string &name) {
        return kiln::importONNX(model, name);
      },
      py::arg("model"), py::arg("name") = "model.onnx",
      "Imports a serialized ONNX model as kiln MLIR text.");
}
