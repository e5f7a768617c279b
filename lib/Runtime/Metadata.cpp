//===- Metadata.cpp - Parse kiln_metadata ---------------------------------===//
#include "kiln/Runtime.h"

#include "llvm/Support/JSON.h"

using namespace kiln;

static TensorSpec parseSpec(const llvm::json::Value &value) {
  const llvm::json::Object *object = value.getAsObject();
  if (!object)
    throw Error("malformed kiln metadata: a tensor is not an object");
  TensorSpec spec;
  auto name = object->getString("name");
  auto dtype = object->getString("dtype");
  const llvm::json::Array *shape = object->getArray("shape");
  if (!name || !dtype || !shape)
    throw Error("malformed kiln metadata: a tensor lacks name, dtype or shape");
  spec.name = name->str();
  std::optional<DType> parsed = parseDType(dtype->str());
  if (!parsed)
    throw Error("kiln metadata: tensor '" + spec.name +
                "' has unknown dtype '" + dtype->str() + "'");
  spec.dtype = *parsed;
  for (const llvm::json::Value &d : *shape)
    spec.shape.push_back(d.getAsInteger().value_or(-1));
  return spec;
}

std::vector<EntryPoint> kiln::parseMetadata(const std::string &json) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(json);
  if (!parsed)
    throw Error("malformed kiln metadata: " +
                llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root ||
      root->getString("format") != std::optional<llvm::StringRef>("kiln-1"))
    throw Error("kiln metadata has an unknown format (expected \"kiln-1\")");
  const llvm::json::Array *entries = root->getArray("entries");
  if (!entries)
    throw Error("malformed kiln metadata: no entries");
  std::vector<EntryPoint> result;
  for (const llvm::json::Value &e : *entries) {
    const llvm::json::Object *object = e.getAsObject();
    if (!object || !object->getString("name"))
      throw Error("malformed kiln metadata: an entry has no name");
    EntryPoint entry;
    entry.name = object->getString("name")->str();
    if (const llvm::json::Array *inputs = object->getArray("inputs"))
      for (const llvm::json::Value &v : *inputs)
        entry.inputs.push_back(parseSpec(v));
    if (const llvm::json::Array *outputs = object->getArray("outputs"))
      for (const llvm::json::Value &v : *outputs)
        entry.outputs.push_back(parseSpec(v));
    result.push_back(std::move(entry));
  }
  return result;
}
