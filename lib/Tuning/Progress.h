//===- Progress.h - a progress bar with ETA on stderr -----------*- C++ -*-===//
#ifndef KILN_LIB_TUNING_PROGRESS_H
#define KILN_LIB_TUNING_PROGRESS_H

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <string>

namespace kiln::tuning {

class Progress {
public:
  Progress(size_t total, bool quiet) : total(total), quiet(quiet) {}

  /// Redraws the bar after `done` of `total` steps; `rate` is appended.
  void update(size_t done, const std::string &rate) {
    if (quiet)
      return;
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    double eta = done ? elapsed / done * (total - done) : 0;
    constexpr int width = 30;
    int filled = total ? (int)(width * done / total) : width;
    llvm::errs() << "\r[" << std::string(filled, '#')
                 << std::string(width - filled, '.') << "] " << done << "/"
                 << total << "  elapsed " << formatTime(elapsed) << "  ETA "
                 << formatTime(eta) << "  " << rate << "   ";
    if (done == total)
      llvm::errs() << "\n";
  }

private:
  using Clock = std::chrono::steady_clock;
  static std::string formatTime(double seconds) {
    int s = (int)seconds;
    return llvm::formatv("{0}m{1:02}s", s / 60, s % 60).str();
  }
  Clock::time_point start = Clock::now();
  size_t total;
  bool quiet;
};

} // namespace kiln::tuning

#endif // KILN_LIB_TUNING_PROGRESS_H
