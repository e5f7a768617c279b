//===- Analytical.cpp - the roofline and register/cache model -------------===//
//
// Latency = max(compute, memory) + packing + loop overheads, where compute
// follows the register tile (FMA throughput, FMA latency chains, loads per
// FMA, partial vectors, spills) and memory the bytes each level-1 tile reads
// at the bandwidth of the cache level the kernel's data fits in (large
// weights from memory).
//
//===----------------------------------------------------------------------===//
#include "costmodel/CostModel.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir::kiln;
using namespace mlir::kiln::costmodel;

llvm::StringRef costmodel::stringifyCostModelKind(CostModelKind kind) {
  return kind == CostModelKind::Analytical ? "analytical" : "learned";
}

/// Bytes per second at which data of `bytes` streams: from L2 if it fits
/// there, else from L3, else from memory.
static double bandwidthFor(double bytes, const Target &t) {
  double hz = t.frequencyGHz * 1e9;
  if (bytes <= t.l2Bytes)
    return t.l2BytesPerCycle * hz;
  if (bytes <= t.l3Bytes)
    return t.l3GBPerS * 1e9;
  return t.memoryGBPerS * 1e9;
}

double costmodel::analyticalLatency(const KernelFeatures &f, const Target &t) {
  double hz = t.frequencyGHz * 1e9;
  double lanes = t.f32Lanes();
  double flops = std::exp2(f.log2Flops);
  double registerM = std::exp2(f.log2RegisterM);
  double registerN = std::exp2(f.log2RegisterN);
  double vectorsN = std::ceil(registerN / lanes);

  double flopsPerCycle;
  if (f.strategyContraction || f.strategyConv) {
    // Per step of k: one FMA per accumulator, `vectorsN` loads of the
    // right operand and `registerM` broadcasts of the left; a chain of FMAs
    // into one accumulator waits the FMA latency.
    double accumulators = std::max(f.registerAccumulators, 1.0);
    double cycles =
        std::max({accumulators / t.fmaUnits, (double)t.fmaLatencyCycles,
                  (registerM + vectorsN) / t.loadsPerCycle});
    flopsPerCycle = 2 * registerM * registerN / cycles;
    if (f.registerSpill)
      flopsPerCycle /= 2;
    // A panel beyond L1 is read from L2 on every register tile.
    if (f.panelOverL1 > 1)
      flopsPerCycle /= 1 + 0.5 * std::min(f.panelOverL1 - 1, 3.0);
  } else {
    flopsPerCycle = t.fmaUnits * std::max(lanes * f.innerVectorFill, 1.0);
  }
  double compute = flops / (flopsPerCycle * hz);

  double bytes = std::exp2(f.log2Bytes);
  double traffic = std::exp2(f.log2TrafficBytes);
  double memory = std::max(traffic / bandwidthFor(bytes, t),
                           bytes / bandwidthFor(bytes, t));
  if (f.tileOverL2 > 1)
    memory = std::max(memory, traffic / bandwidthFor(t.l3Bytes + 1, t));
  // Weights too large to survive the other kernels of a model stream in
  // from memory at least once.
  double constantBytes = std::exp2(f.log2ConstantBytes);
  if (constantBytes > t.coldConstantBytes())
    memory = std::max(memory, constantBytes / (t.memoryGBPerS * 1e9));

  // Packing copies a tile's panels: B per tile (unless constant, packed at
  // compile time), A too when its rows do not fit the TLB.
  double packing = 0;
  if (f.pack) {
    double copied = traffic * (f.constantWeights > 0 ? 0.0 : 0.5);
    if (f.packsA)
      copied += traffic * 0.5;
    packing = 2 * copied / (t.l2BytesPerCycle * hz);
  }
  double level1Tiles = std::exp2(f.log2Level1Tiles);
  double registerTiles = std::exp2(f.log2RegisterTiles);
  double overhead =
      0.5e-6 + level1Tiles * f.kBlocks * 0.05e-6 + registerTiles * 12 / hz;
  return std::max(compute, memory) + packing + overhead;
}

namespace {

class AnalyticalModel : public CostModel {
public:
  explicit AnalyticalModel(const Target &target) : CostModel(target) {}
  CostModelKind getKind() const override { return CostModelKind::Analytical; }
  std::string describe() const override {
    return "analytical model for " + target.name;
  }
  std::vector<Cost>
  predict(llvm::ArrayRef<KernelFeatures> features) const override {
    std::vector<Cost> costs;
    for (const KernelFeatures &f : features)
      costs.push_back({analyticalLatency(f, target)});
    return costs;
  }
};

} // namespace

std::unique_ptr<CostModel>
costmodel::createAnalyticalModel(const Target &target) {
  return std::make_unique<AnalyticalModel>(target);
}
