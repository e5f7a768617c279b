//===- TuningDatabase.h - measured picks, by kernel and target --*- C++ -*-===//
//
// `kiln-compile --tune=N` measures the cost model's top N schedules of each
// kernel and records the fastest here, keyed by the kernel's structural
// hash and the target, so that the next compile of any model with that
// kernel takes it without measuring. A JSON file:
// {"version": 1, "entries": {"<target>/<hash>": {"schedule": "...",
//  "latency": seconds, "measured": N}}}.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COSTMODEL_TUNINGDATABASE_H
#define KILN_COSTMODEL_TUNINGDATABASE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <optional>
#include <string>

namespace mlir::kiln::costmodel {

struct TunedSchedule {
  std::string schedule;
  double latency = 0;
  int64_t measured = 0;
};

class TuningDatabase {
public:
  /// Reads `path`; a missing file is an empty database, a corrupt one an
  /// error naming it.
  static llvm::Expected<TuningDatabase> open(llvm::StringRef path);
  std::optional<TunedSchedule> lookup(llvm::StringRef target,
                                      llvm::StringRef hash) const;
  void record(llvm::StringRef target, llvm::StringRef hash,
              const TunedSchedule &tuned);
  /// Writes the database back to the file it was opened from.
  llvm::Error save() const;
  size_t size() const { return entries.size(); }

private:
  std::string path;
  std::map<std::string, TunedSchedule> entries;
};

/// $KILN_TUNING_DB, else ~/.cache/kiln/tuning.json.
std::string defaultTuningDatabasePath();

} // namespace mlir::kiln::costmodel

#endif // KILN_COSTMODEL_TUNINGDATABASE_H
