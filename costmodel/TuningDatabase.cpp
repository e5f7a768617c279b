//===- TuningDatabase.cpp - measured picks, by kernel and target ----------===//
#include "costmodel/TuningDatabase.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir::kiln;
using namespace mlir::kiln::costmodel;

static llvm::Error databaseError(llvm::StringRef path,
                                 const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "tuning database '" + path + "': " + what);
}

std::string costmodel::defaultTuningDatabasePath() {
  if (const char *path = std::getenv("KILN_TUNING_DB"))
    return path;
  llvm::SmallString<256> path;
  if (!llvm::sys::path::home_directory(path))
    path = ".";
  llvm::sys::path::append(path, ".cache", "kiln", "tuning.json");
  return std::string(path);
}

llvm::Expected<TuningDatabase> TuningDatabase::open(llvm::StringRef path) {
  TuningDatabase database;
  database.path = path.str();
  if (!llvm::sys::fs::exists(path))
    return database;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return databaseError(path, buffer.getError().message());
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    return databaseError(path,
                         "not JSON: " + llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  const llvm::json::Object *entries =
      root ? root->getObject("entries") : nullptr;
  if (!entries || root->getInteger("version") != 1)
    return databaseError(path, "expected {\"version\": 1, \"entries\": {...}}");
  for (const auto &[key, value] : *entries) {
    const llvm::json::Object *entry = value.getAsObject();
    std::optional<llvm::StringRef> schedule =
        entry ? entry->getString("schedule") : std::nullopt;
    if (!schedule)
      return databaseError(path, "entry '" + key.str() + "' has no schedule");
    database.entries[key.str()] = {schedule->str(),
                                   entry->getNumber("latency").value_or(0),
                                   entry->getInteger("measured").value_or(0)};
  }
  return database;
}

std::optional<TunedSchedule>
TuningDatabase::lookup(llvm::StringRef target, llvm::StringRef hash) const {
  auto it = entries.find((target + "/" + hash).str());
  if (it == entries.end())
    return std::nullopt;
  return it->second;
}

void TuningDatabase::record(llvm::StringRef target, llvm::StringRef hash,
                            const TunedSchedule &tuned) {
  entries[(target + "/" + hash).str()] = tuned;
}

llvm::Error TuningDatabase::save() const {
  llvm::json::Object object;
  for (const auto &[key, tuned] : entries)
    object[key] = llvm::json::Object{{"schedule", tuned.schedule},
                                     {"latency", tuned.latency},
                                     {"measured", tuned.measured}};
  llvm::SmallString<256> directory(path);
  llvm::sys::path::remove_filename(directory);
  if (!directory.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(directory))
      return databaseError(path,
                           "cannot create its directory: " + ec.message());
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return databaseError(path, "cannot write it: " + ec.message());
  os << llvm::formatv("{0:2}",
                      llvm::json::Value(llvm::json::Object{
                          {"version", 1}, {"entries", std::move(object)}}));
  return llvm::Error::success();
}
