//===- Target.cpp - hardware descriptors of the cost model ----------------===//
#include "costmodel/Target.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/TargetParser/Host.h"

#include <cstdlib>

using namespace mlir::kiln;
using namespace mlir::kiln::costmodel;

std::string costmodel::costModelDirectory() {
  if (const char *dir = std::getenv("KILN_COSTMODEL_DIR"))
    return dir;
  return KILN_COSTMODEL_SOURCE_DIR;
}

static llvm::Error targetError(llvm::StringRef path, const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "target descriptor '" + path + "': " + what);
}

llvm::Expected<Target> costmodel::loadTarget(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return targetError(path, "cannot read it: " + buffer.getError().message());
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    return targetError(path, "not JSON: " + llvm::toString(parsed.takeError()));
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object)
    return targetError(path, "expected a JSON object");
  Target target;
  std::optional<llvm::StringRef> name = object->getString("name");
  if (!name)
    return targetError(path, "missing string 'name'");
  target.name = name->str();
  auto readInt = [&](llvm::StringRef key, int64_t &field) -> llvm::Error {
    std::optional<int64_t> value = object->getInteger(key);
    if (!value || *value <= 0)
      return targetError(path, "missing or non-positive integer '" + key + "'");
    field = *value;
    return llvm::Error::success();
  };
  auto readNumber = [&](llvm::StringRef key, double &field) -> llvm::Error {
    std::optional<double> value = object->getNumber(key);
    if (!value || *value <= 0)
      return targetError(path, "missing or non-positive number '" + key + "'");
    field = *value;
    return llvm::Error::success();
  };
  for (auto [key, field] :
       std::initializer_list<std::pair<const char *, int64_t *>>{
           {"vector_bits", &target.vectorBits},
           {"vector_registers", &target.vectorRegisters},
           {"fma_units", &target.fmaUnits},
           {"fma_latency_cycles", &target.fmaLatencyCycles},
           {"loads_per_cycle", &target.loadsPerCycle},
           {"cores", &target.cores},
           {"l1_bytes", &target.l1Bytes},
           {"l2_bytes", &target.l2Bytes},
           {"l3_bytes", &target.l3Bytes}})
    if (llvm::Error error = readInt(key, *field))
      return std::move(error);
  for (auto [key, field] :
       std::initializer_list<std::pair<const char *, double *>>{
           {"frequency_ghz", &target.frequencyGHz},
           {"l1_bytes_per_cycle", &target.l1BytesPerCycle},
           {"l2_bytes_per_cycle", &target.l2BytesPerCycle},
           {"l3_gb_per_s", &target.l3GBPerS},
           {"memory_gb_per_s", &target.memoryGBPerS}})
    if (llvm::Error error = readNumber(key, *field))
      return std::move(error);
  if (target.vectorBits % 32)
    return targetError(path, "'vector_bits' must be a multiple of 32");
  return target;
}

llvm::Expected<Target> costmodel::loadTargetByName(llvm::StringRef name) {
  llvm::SmallString<256> path(costModelDirectory());
  llvm::sys::path::append(path, "targets", name + ".json");
  return loadTarget(path);
}

std::string costmodel::hostTargetName() {
  if (const char *name = std::getenv("KILN_TARGET"))
    return name;
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  return features.lookup("avx512f") ? "x86_64-avx512" : "x86_64-avx2";
}
