//===- Dataset.cpp - measured kernels for training the cost model ---------===//
#include "costmodel/Dataset.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <zlib.h>

using namespace mlir::kiln;
using namespace mlir::kiln::costmodel;

static llvm::Error datasetError(llvm::StringRef path, const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "dataset '" + path + "': " + what);
}

static llvm::json::Value toJSON(const KernelRecord &record) {
  llvm::json::Array candidates;
  for (const MeasuredCandidate &c : record.candidates) {
    llvm::json::Object object{
        {"schedule", c.schedule}, {"latency", c.latency}, {"spread", c.spread}};
    if (c.retest)
      object["retest"] = *c.retest;
    candidates.push_back(std::move(object));
  }
  return llvm::json::Object{{"model", record.model},
                            {"hash", record.hash},
                            {"occurrences", record.occurrences},
                            {"target", record.target},
                            {"threads", record.threads},
                            {"heuristic", record.heuristic},
                            {"candidate_count", record.candidateCount},
                            {"candidates", std::move(candidates)},
                            {"kernel", record.kernel}};
}

static bool fromJSON(const llvm::json::Value &value, KernelRecord &record) {
  const llvm::json::Object *object = value.getAsObject();
  if (!object)
    return false;
  auto getString = [&](const char *key, std::string &field) {
    std::optional<llvm::StringRef> text = object->getString(key);
    if (text)
      field = text->str();
    return text.has_value();
  };
  if (!getString("model", record.model) || !getString("hash", record.hash) ||
      !getString("kernel", record.kernel) ||
      !getString("target", record.target) ||
      !getString("heuristic", record.heuristic))
    return false;
  record.occurrences = object->getInteger("occurrences").value_or(1);
  record.threads = object->getInteger("threads").value_or(1);
  record.candidateCount = object->getInteger("candidate_count").value_or(0);
  const llvm::json::Array *candidates = object->getArray("candidates");
  if (!candidates)
    return false;
  for (const llvm::json::Value &entry : *candidates) {
    const llvm::json::Object *c = entry.getAsObject();
    if (!c)
      return false;
    MeasuredCandidate candidate;
    std::optional<llvm::StringRef> schedule = c->getString("schedule");
    std::optional<double> latency = c->getNumber("latency");
    if (!schedule || !latency || *latency <= 0)
      return false;
    candidate.schedule = schedule->str();
    candidate.latency = *latency;
    candidate.spread = c->getNumber("spread").value_or(0);
    candidate.retest = c->getNumber("retest");
    record.candidates.push_back(std::move(candidate));
  }
  return true;
}

llvm::Expected<std::vector<KernelRecord>>
costmodel::readDataset(llvm::StringRef path) {
  // gzread reads plain files too.
  gzFile file = gzopen(path.str().c_str(), "rb");
  if (!file)
    return datasetError(path, "cannot open it");
  std::string contents;
  char buffer[1 << 16];
  int read;
  while ((read = gzread(file, buffer, sizeof(buffer))) > 0)
    contents.append(buffer, read);
  int errorCode = 0;
  const char *message = gzerror(file, &errorCode);
  bool failedRead =
      read < 0 || (errorCode != Z_OK && errorCode != Z_STREAM_END);
  std::string reason = failedRead ? message : "";
  gzclose(file);
  if (failedRead)
    return datasetError(path, "corrupt: " + reason);
  std::vector<KernelRecord> records;
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(contents).split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (auto [number, line] : llvm::enumerate(lines)) {
    llvm::Expected<llvm::json::Value> value = llvm::json::parse(line);
    if (!value)
      return datasetError(
          path, "line " + llvm::Twine(number + 1) +
                    " is not JSON: " + llvm::toString(value.takeError()));
    KernelRecord record;
    if (!fromJSON(*value, record))
      return datasetError(path, "line " + llvm::Twine(number + 1) +
                                    " is not a kernel record (model, hash, "
                                    "kernel, target, heuristic, candidates "
                                    "with schedule and latency)");
    records.push_back(std::move(record));
  }
  return records;
}

llvm::Error costmodel::appendRecord(llvm::StringRef path,
                                    const KernelRecord &record) {
  std::string line;
  llvm::raw_string_ostream os(line);
  os << toJSON(record) << "\n";
  os.flush();
  bool compressed = path.ends_with(".gz");
  gzFile file = gzopen(path.str().c_str(), compressed ? "ab9" : "abT");
  if (!file)
    return datasetError(path, "cannot open it for writing");
  int written = gzwrite(file, line.data(), line.size());
  int closed = gzclose(file);
  if (written != (int)line.size() || closed != Z_OK)
    return datasetError(path, "write failed");
  return llvm::Error::success();
}
