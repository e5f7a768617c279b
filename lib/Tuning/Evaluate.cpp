//===- Evaluate.cpp - kiln-tune eval --------------------------------------===//
//
// Compares the picks and rankings of the learned model, the analytical
// model, the heuristic and random choice on the kernels of the models held
// out from training (and only those of their kernels no training model
// has). Per kernel: top-1 and top-5 scores (the best measured latency over
// the latency of the pick, or of the best of the first five), weighted by
// the kernel's share of its model's time, each held-out model counting
// alike; pairwise accuracy over pairs whose latencies differ by > 10%;
// Kendall tau against the measurements' own test-retest tau; MAPE.
//
//===----------------------------------------------------------------------===//
#include "KernelData.h"
#include "Tuning.h"

#include "kiln/Runtime.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

using namespace kiln;
using namespace kiln::tuning;
using namespace mlir::kiln;

namespace {

/// Kendall's tau-b of two equally long lists.
double kendallTau(const std::vector<double> &a, const std::vector<double> &b) {
  double concordant = 0, discordant = 0, tiesA = 0, tiesB = 0;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = i + 1; j < a.size(); ++j) {
      double da = a[i] - a[j], db = b[i] - b[j];
      if (da == 0 && db == 0)
        continue;
      if (da == 0)
        ++tiesA;
      else if (db == 0)
        ++tiesB;
      else if ((da > 0) == (db > 0))
        ++concordant;
      else
        ++discordant;
    }
  double denominator = std::sqrt((concordant + discordant + tiesA) *
                                 (concordant + discordant + tiesB));
  return denominator > 0 ? (concordant - discordant) / denominator : 0;
}

/// Accumulates one ranking's metrics over the kernels.
struct RankingMetrics {
  double top1 = 0, top5 = 0, weight = 0;
  double pairsRight = 0, pairs = 0;
  double tauSum = 0, tauKernels = 0;
  double errorSum = 0, errorCount = 0;

  void addKernel(const std::vector<double> &measured,
                 const std::vector<double> &predicted, double kernelWeight) {
    double best = *std::min_element(measured.begin(), measured.end());
    std::vector<size_t> order(measured.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
      return predicted[x] < predicted[y];
    });
    double bestOfFive = measured[order[0]];
    for (size_t i = 0; i < std::min<size_t>(5, order.size()); ++i)
      bestOfFive = std::min(bestOfFive, measured[order[i]]);
    top1 += kernelWeight * best / measured[order[0]];
    top5 += kernelWeight * best / bestOfFive;
    weight += kernelWeight;
    for (size_t i = 0; i < measured.size(); ++i)
      for (size_t j = i + 1; j < measured.size(); ++j) {
        double hi = std::max(measured[i], measured[j]);
        double lo = std::min(measured[i], measured[j]);
        if (hi <= 1.1 * lo)
          continue;
        ++pairs;
        pairsRight +=
            (measured[i] < measured[j]) == (predicted[i] < predicted[j]);
      }
    tauSum += kendallTau(measured, predicted);
    ++tauKernels;
    for (size_t i = 0; i < measured.size(); ++i) {
      errorSum += std::abs(predicted[i] - measured[i]) / measured[i];
      ++errorCount;
    }
  }
  double getTop1() const { return weight ? top1 / weight : 0; }
  double getTop5() const { return weight ? top5 / weight : 0; }
  double getPairwise() const { return pairs ? pairsRight / pairs : 0; }
  double getTau() const { return tauKernels ? tauSum / tauKernels : 0; }
  double getMape() const { return errorCount ? errorSum / errorCount : 0; }
};

std::string fixed(double value) { return llvm::formatv("{0:F3}", value).str(); }

} // namespace

std::map<std::string, std::string>
tuning::evaluate(const EvalOptions &options) {
  costmodel::Target target;
  std::vector<costmodel::KernelRecord> records =
      readRecords(options.data, target);
  llvm::Expected<costmodel::LearnedModelInfo> info =
      costmodel::readLearnedModelInfo(options.model);
  if (!info)
    throw Error(llvm::toString(info.takeError()));
  llvm::Expected<std::unique_ptr<costmodel::CostModel>> learned =
      costmodel::loadLearnedModel(options.model, target);
  if (!learned)
    throw Error(llvm::toString(learned.takeError()));
  std::unique_ptr<costmodel::CostModel> analytical =
      costmodel::createAnalyticalModel(target);

  std::set<std::string> trainingModels(info->trainingModels.begin(),
                                       info->trainingModels.end());
  std::set<std::string> seen;
  for (const costmodel::KernelRecord &record : records)
    if (trainingModels.count(record.model))
      seen.insert(record.hash);
  std::vector<costmodel::KernelRecord> heldOut;
  std::set<std::string> heldOutModels;
  size_t sharedKernels = 0;
  for (const costmodel::KernelRecord &record : records) {
    if (trainingModels.count(record.model) || record.candidates.size() < 2)
      continue;
    if (seen.count(record.hash)) {
      ++sharedKernels;
      continue;
    }
    heldOut.push_back(record);
    heldOutModels.insert(record.model);
  }
  if (heldOut.empty())
    throw Error("eval: '" + options.data +
                "' has no kernels of models that "
                "'" +
                options.model + "' was not trained on (trained on: " +
                llvm::join(info->trainingModels, ", ") + ")");
  std::vector<KernelRows> kernels = loadKernelRows(heldOut, target);

  // Each kernel's share of its model's time (at the heuristic's pick),
  // each model counting alike.
  std::map<std::string, double> modelTime;
  auto heuristicLatency = [](const KernelRows &k) {
    for (const CandidateRow &row : k.candidates)
      if (row.isHeuristic)
        return row.latency;
    return k.candidates.front().latency;
  };
  for (const KernelRows &k : kernels)
    modelTime[k.record->model] += k.record->occurrences * heuristicLatency(k);

  RankingMetrics learnedMetrics, analyticalMetrics;
  double heuristicTop1 = 0, randomTop1 = 0, weights = 0;
  std::vector<double> retestTaus;
  std::unique_ptr<llvm::raw_fd_ostream> report;
  if (!options.report.empty()) {
    std::error_code ec;
    report = std::make_unique<llvm::raw_fd_ostream>(options.report, ec);
    if (ec)
      throw Error("eval: cannot write '" + options.report +
                  "': " + ec.message());
    *report << "model,kernel,weight,measured,learned,analytical,heuristic,"
               "retest\n";
  }
  size_t candidates = 0;
  for (const KernelRows &k : kernels) {
    std::vector<mlir::kiln::costmodel::KernelFeatures> features;
    std::vector<double> measured, retest;
    for (const CandidateRow &row : k.candidates) {
      features.push_back(row.features);
      measured.push_back(row.latency);
      if (row.retest)
        retest.push_back(*row.retest);
    }
    candidates += measured.size();
    std::vector<double> learnedLatency, analyticalLatency;
    for (const costmodel::Cost &cost : (*learned)->predict(features))
      learnedLatency.push_back(cost.latencySeconds);
    for (const costmodel::Cost &cost : analytical->predict(features))
      analyticalLatency.push_back(cost.latencySeconds);
    double weight = k.record->occurrences * heuristicLatency(k) /
                    modelTime[k.record->model] / modelTime.size();
    learnedMetrics.addKernel(measured, learnedLatency, weight);
    analyticalMetrics.addKernel(measured, analyticalLatency, weight);
    double best = *std::min_element(measured.begin(), measured.end());
    heuristicTop1 += weight * best / heuristicLatency(k);
    double randomScore = 0;
    for (double latency : measured)
      randomScore += best / latency;
    randomTop1 += weight * randomScore / measured.size();
    weights += weight;
    if (retest.size() == measured.size())
      retestTaus.push_back(kendallTau(measured, retest));
    if (report)
      for (size_t i = 0; i < measured.size(); ++i)
        *report << k.record->model << "," << k.record->hash << "," << weight
                << "," << measured[i] << "," << learnedLatency[i] << ","
                << analyticalLatency[i] << ","
                << (k.candidates[i].isHeuristic ? 1 : 0) << ","
                << (retest.size() == measured.size() ? retest[i] : 0.0) << "\n";
  }
  // The ceiling: how well the measurements rank against themselves. Few
  // retested held-out kernels say little, so every retested kernel counts.
  if (retestTaus.size() < 3) {
    retestTaus.clear();
    for (const KernelRows &k : loadKernelRows(records, target)) {
      std::vector<double> measured, retest;
      for (const CandidateRow &row : k.candidates)
        if (row.retest) {
          measured.push_back(row.latency);
          retest.push_back(*row.retest);
        }
      if (measured.size() >= 2 && measured.size() == k.candidates.size())
        retestTaus.push_back(kendallTau(measured, retest));
    }
  }
  double ceiling = retestTaus.empty() ? 1.0
                                      : std::accumulate(retestTaus.begin(),
                                                        retestTaus.end(), 0.0) /
                                            retestTaus.size();
  heuristicTop1 /= weights;
  randomTop1 /= weights;

  llvm::outs() << "eval: " << options.model << " (trained on "
               << info->trainingModels.size() << " models)\n"
               << "eval: held out: " << llvm::join(heldOutModels, ", ") << " ("
               << kernels.size() << " kernels, " << candidates
               << " measured candidates; " << sharedKernels
               << " kernels also in training models left out)\n";
  llvm::outs() << llvm::formatv("{0,-12}{1,8}{2,8}{3,10}{4,8}{5,8}\n", "",
                                "top1", "top5", "pairwise", "tau", "MAPE");
  for (auto [name, m] : {std::pair<const char *, const RankingMetrics *>{
                             "learned", &learnedMetrics},
                         {"analytical", &analyticalMetrics}})
    llvm::outs() << llvm::formatv(
        "{0,-12}{1,8:F3}{2,8:F3}{3,10:F3}{4,8:F3}{5,8:F3}\n", name,
        m->getTop1(), m->getTop5(), m->getPairwise(), m->getTau(),
        m->getMape());
  llvm::outs() << llvm::formatv("{0,-12}{1,8:F3}\n", "heuristic", heuristicTop1)
               << llvm::formatv("{0,-12}{1,8:F3}\n", "random", randomTop1)
               << llvm::formatv("test-retest tau of the measurements "
                                "(ceiling): {0:F3} over {1} kernels\n",
                                ceiling, retestTaus.size());
  llvm::outs() << "cost-model: learned top1=" << fixed(learnedMetrics.getTop1())
               << " top5=" << fixed(learnedMetrics.getTop5())
               << " pairwise=" << fixed(learnedMetrics.getPairwise())
               << " tau=" << fixed(learnedMetrics.getTau())
               << " ceiling=" << fixed(ceiling)
               << " | analytical top1=" << fixed(analyticalMetrics.getTop1())
               << " pairwise=" << fixed(analyticalMetrics.getPairwise())
               << " tau=" << fixed(analyticalMetrics.getTau())
               << " | heuristic top1=" << fixed(heuristicTop1) << "\n";
  return {{"top1", fixed(learnedMetrics.getTop1())},
          {"top5", fixed(learnedMetrics.getTop5())},
          {"pairwise", fixed(learnedMetrics.getPairwise())},
          {"tau", fixed(learnedMetrics.getTau())},
          {"ceiling", fixed(ceiling)},
          {"mape", fixed(learnedMetrics.getMape())},
          {"held_out_kernels", std::to_string(kernels.size())}};
}
