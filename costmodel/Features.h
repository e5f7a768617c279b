//===- Features.h - what the cost model sees of a kernel --------*- C++ -*-===//
//
// The features of one kiln_kernel.dispatch compiled with one candidate
// #kiln_kernel.schedule on one target: loop extents and tile sizes by role,
// the register tile, flops and bytes per tile level against the caches,
// packing and threads, a histogram of the body's ops, and hashed op-token
// bigrams of the dispatch's IR (the text features of Das & Mannarswamy).
// The list below is the schema: its version and hash are stored with every
// trained model, which is refused on another schema.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COSTMODEL_FEATURES_H
#define KILN_COSTMODEL_FEATURES_H

#include "costmodel/Target.h"
#include "dialects/KilnKernel/KilnKernel.h"

#include "llvm/ADT/ArrayRef.h"

#include <array>
#include <string>
#include <vector>

namespace mlir::kiln::costmodel {

/// Bump when the meaning of a feature changes without its name changing.
constexpr int kFeatureSchemaVersion = 2;
/// Buckets of the hashed op-token bigrams.
constexpr int kTokenBuckets = 16;

// The loops of a root by role: `m` rows (a conv's output pixels), `n`
// columns (filters, or the innermost parallel loop of other kernels), `k`
// the reduction. Sizes are log2 so trees split them evenly.
// clang-format off
// Features of the kernel alone, whatever its schedule.
#define KILN_KERNEL_LEVEL_FEATURES(X)                                          \
  X(strategyContraction) X(strategyConv) X(strategyReduction)                  \
  X(strategyElementwise) X(strategyGeneric)                                    \
  X(numLoops) X(numReductionLoops) X(dynamicLoops)                             \
  X(log2Iterations) X(log2M) X(log2N) X(log2K) X(log2Batch)                    \
  X(constantWeights) X(log2ConstantBytes)                                      \
  X(log2Flops) X(log2Bytes) X(log2Intensity)                                   \
  X(numLinalgOps) X(numContractions) X(numCopies) X(numArith) X(numMath)       \
  X(numReductionOps) X(elementBits)                                            \
  X(targetLanes) X(targetCores) X(log2TargetL2)

// Features of the kernel under one schedule.
#define KILN_SCHEDULE_LEVEL_FEATURES(X)                                        \
  X(log2TileM) X(log2TileN) X(log2TileK) X(log2RegisterM) X(log2RegisterN)     \
  X(registerAccumulators) X(registerVectorFill) X(registerSpill)               \
  X(loadsPerFma) X(innerVectorFill) X(innerScalar)                             \
  X(log2Level1Tiles) X(level1TilesPerCore) X(level1TilesTailFraction)          \
  X(kBlocks) X(threads) X(pack) X(packsA)                                      \
  X(log2TileBytes) X(tileOverL1) X(tileOverL2) X(tileOverL3)                   \
  X(log2PanelBytes) X(panelOverL1) X(panelOverL2)                              \
  X(log2TrafficBytes) X(log2RegisterTiles)

#define KILN_KERNEL_FEATURES(X)                                                \
  KILN_KERNEL_LEVEL_FEATURES(X) KILN_SCHEDULE_LEVEL_FEATURES(X)
// clang-format on

struct KernelFeatures {
#define KILN_DECLARE_FEATURE(name) double name = 0;
  KILN_KERNEL_FEATURES(KILN_DECLARE_FEATURE)
#undef KILN_DECLARE_FEATURE
  std::array<double, kTokenBuckets> tokenBigrams{};

  /// The features in schema order: kernel level, schedule level, bigrams.
  std::vector<float> toVector() const;
  /// The kernel-level features and the bigrams: what all schedules of a
  /// kernel share.
  std::vector<float> toKernelVector() const;
};

/// The names of the features in schema order.
const std::vector<std::string> &featureNames();
/// A hash of the version and the names: "v1-1a2b3c4d".
std::string featureSchemaHash();

/// Bytes of the constants (weights) `dispatch` reads.
double constantBytes(kiln_kernel::DispatchOp dispatch);

/// Computes the features of one dispatch under many schedules: what does
/// not depend on the schedule (the root, flops, bytes, the op histogram) is
/// computed once.
class FeatureExtractor {
public:
  /// Fails when the dispatch has no schedulable root.
  static FailureOr<FeatureExtractor> create(kiln_kernel::DispatchOp dispatch,
                                            const Target &target);
  /// Fails when `schedule` does not fit the root's loops.
  FailureOr<KernelFeatures> extract(kiln_kernel::ScheduleAttr schedule) const;

private:
  FeatureExtractor(const Target &target) : target(target) {}
  struct Operand {
    AffineMap map;
    SmallVector<int64_t> shape;
    int64_t elementBytes;
  };
  const Target &target;
  std::string strategy;
  SmallVector<int64_t> ranges;
  SmallVector<bool> reductionLoops;
  SmallVector<unsigned> m, n, k, batch;
  SmallVector<Operand> operands;
  /// The schedule-independent features.
  KernelFeatures common;
};

/// The features of `dispatch` under `schedule` on `target`.
FailureOr<KernelFeatures> extractFeatures(kiln_kernel::DispatchOp dispatch,
                                          kiln_kernel::ScheduleAttr schedule,
                                          const Target &target);

} // namespace mlir::kiln::costmodel

#endif // KILN_COSTMODEL_FEATURES_H
