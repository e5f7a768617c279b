//===- Features.cpp - what the cost model sees of a kernel ----------------===//
#include "costmodel/Features.h"
#include "dialects/KilnKernel/KernelRoots.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/xxhash.h"

#include <cmath>

using namespace mlir;
using namespace mlir::kiln;
using namespace mlir::kiln::costmodel;
using kiln_kernel::DispatchOp;
using kiln_kernel::ScheduleAttr;

/// The extent a dynamic loop is assumed to have: features need a number.
static constexpr int64_t kNominalDynamicExtent = 16;

std::vector<float> KernelFeatures::toVector() const {
  std::vector<float> values;
#define KILN_PUSH_FEATURE(name) values.push_back(name);
  KILN_KERNEL_FEATURES(KILN_PUSH_FEATURE)
#undef KILN_PUSH_FEATURE
  values.insert(values.end(), tokenBigrams.begin(), tokenBigrams.end());
  return values;
}

std::vector<float> KernelFeatures::toKernelVector() const {
  std::vector<float> values;
#define KILN_PUSH_FEATURE(name) values.push_back(name);
  KILN_KERNEL_LEVEL_FEATURES(KILN_PUSH_FEATURE)
#undef KILN_PUSH_FEATURE
  values.insert(values.end(), tokenBigrams.begin(), tokenBigrams.end());
  return values;
}

const std::vector<std::string> &costmodel::featureNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> result = {
#define KILN_NAME_FEATURE(name) #name,
        KILN_KERNEL_FEATURES(KILN_NAME_FEATURE)
#undef KILN_NAME_FEATURE
    };
    for (int i = 0; i < kTokenBuckets; ++i)
      result.push_back("tokenBigram" + std::to_string(i));
    return result;
  }();
  return names;
}

std::string costmodel::featureSchemaHash() {
  std::string text = std::to_string(kFeatureSchemaVersion);
  for (const std::string &name : featureNames())
    text += "," + name;
  uint64_t hash = llvm::xxh3_64bits(text);
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "v%d-%08x", kFeatureSchemaVersion,
           (unsigned)(hash & 0xffffffffu));
  return buffer;
}

namespace {

/// The loops of a root by role.
struct LoopRoles {
  SmallVector<unsigned> m, n, k, batch;
};

LoopRoles getLoopRoles(linalg::LinalgOp root, StringRef strategy) {
  LoopRoles roles;
  SmallVector<utils::IteratorType> iterators = root.getIteratorTypesArray();
  if (strategy == "contraction") {
    linalg::ContractionDimensions dims = *linalg::inferContractionDims(root);
    roles.m.assign(dims.m.begin(), dims.m.end());
    roles.n.assign(dims.n.begin(), dims.n.end());
    roles.k.assign(dims.k.begin(), dims.k.end());
    roles.batch.assign(dims.batch.begin(), dims.batch.end());
    return roles;
  }
  if (strategy == "conv") {
    WindowLoops loops = *matchWindowContraction(root);
    roles.m.push_back(loops.pixel);
    if (loops.row)
      roles.m.push_back(*loops.row);
    roles.n.push_back(loops.filter);
    if (loops.filterBlock)
      roles.n.push_back(*loops.filterBlock);
    for (auto [i, iterator] : llvm::enumerate(iterators))
      if (iterator == utils::IteratorType::reduction)
        roles.k.push_back(i);
      else if (!llvm::is_contained(roles.m, i) &&
               !llvm::is_contained(roles.n, i))
        roles.batch.push_back(i);
    return roles;
  }
  std::optional<unsigned> innermost;
  for (auto [i, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::parallel)
      innermost = i;
  for (auto [i, iterator] : llvm::enumerate(iterators)) {
    if (iterator == utils::IteratorType::reduction)
      roles.k.push_back(i);
    else if (i == innermost)
      roles.n.push_back(i);
    else
      roles.m.push_back(i);
  }
  return roles;
}

double product(ArrayRef<unsigned> loops, ArrayRef<int64_t> sizes) {
  double result = 1;
  for (unsigned loop : loops)
    result *= sizes[loop];
  return result;
}

double log2Of(double value) { return std::log2(std::max(value, 1.0)); }

/// Elements of an operand (indexed by `map`, of `shape`) that a block of
/// `sizes` iterations reads.
double footprint(AffineMap map, ArrayRef<int64_t> shape,
                 ArrayRef<int64_t> sizes) {
  double elements = 1;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    double extent = shape[i];
    SmallVector<std::pair<unsigned, int64_t>> terms;
    if (isa<AffineConstantExpr>(expr))
      extent = 1;
    else if (getLinearTerms(expr, terms)) {
      double covered = 1;
      for (auto [loop, coefficient] : terms)
        covered += coefficient * (sizes[loop] - 1);
      extent = std::min(extent, covered);
    }
    elements *= extent;
  }
  return elements;
}

int64_t elementBytes(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (element.isIntOrFloat())
    return std::max<int64_t>(element.getIntOrFloatBitWidth() / 8, 1);
  return 8;
}

double tensorBytes(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return elementBytes(type);
  double elements = 1;
  for (int64_t dim : shaped.getShape())
    elements *= ShapedType::isDynamic(dim) ? kNominalDynamicExtent : dim;
  return elements * elementBytes(type);
}

/// Scalar operations one iteration of `op`'s body performs.
int64_t bodyOperations(linalg::LinalgOp op) {
  int64_t count = 0;
  for (Operation &inner : op->getRegion(0).front().without_terminator())
    if (!isa<linalg::IndexOp>(inner))
      ++count;
  return std::max<int64_t>(count, 1);
}

double iterations(linalg::LinalgOp op) {
  double result = 1;
  for (int64_t range : op.getStaticLoopRanges())
    result *= ShapedType::isDynamic(range) ? kNominalDynamicExtent : range;
  return result;
}

void addOpHistogram(DispatchOp dispatch, KernelFeatures &f) {
  SmallVector<StringRef> tokens;
  dispatch.getBody().walk<WalkOrder::PreOrder>([&](Operation *op) {
    tokens.push_back(op->getName().getStringRef());
    StringRef dialect = op->getName().getDialectNamespace();
    if (dialect == "arith")
      ++f.numArith;
    else if (dialect == "math")
      ++f.numMath;
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp)
      return;
    ++f.numLinalgOps;
    if (isMatmulLike(linalgOp) || succeeded(matchWindowContraction(linalgOp)))
      ++f.numContractions;
    else if (isPureCopy(linalgOp))
      ++f.numCopies;
    if (linalgOp.getNumReductionLoops() > 0)
      ++f.numReductionOps;
  });
  std::array<int64_t, kTokenBuckets> counts{};
  for (size_t i = 1; i < tokens.size(); ++i) {
    std::string bigram = (tokens[i - 1] + " " + tokens[i]).str();
    ++counts[llvm::xxh3_64bits(bigram) % kTokenBuckets];
  }
  for (int i = 0; i < kTokenBuckets; ++i)
    f.tokenBigrams[i] = log2Of(1 + counts[i]);
}

} // namespace

double costmodel::constantBytes(DispatchOp dispatch) {
  llvm::SetVector<Value> outside;
  getUsedValuesDefinedAbove(dispatch.getBody(), outside);
  double bytes = 0;
  for (Value value : outside)
    if (isa<ShapedType>(value.getType()) && matchPattern(value, m_Constant()))
      bytes += tensorBytes(value.getType());
  return bytes;
}

FailureOr<FeatureExtractor> FeatureExtractor::create(DispatchOp dispatch,
                                                     const Target &target) {
  FailureOr<ScheduleRoot> root = getScheduleRoot(dispatch);
  if (failed(root))
    return failure();
  linalg::LinalgOp op = root->op;
  FeatureExtractor e(target);
  e.strategy = root->strategy.str();
  KernelFeatures &f = e.common;
  f.strategyContraction = e.strategy == "contraction";
  f.strategyConv = e.strategy == "conv";
  f.strategyReduction = e.strategy == "reduction";
  f.strategyElementwise = e.strategy == "elementwise";
  f.strategyGeneric = e.strategy == "generic";

  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range)) {
      ++f.dynamicLoops;
      range = kNominalDynamicExtent;
    }
    e.ranges.push_back(range);
  }
  for (utils::IteratorType iterator : op.getIteratorTypesArray())
    e.reductionLoops.push_back(iterator == utils::IteratorType::reduction);
  f.numLoops = e.ranges.size();
  f.numReductionLoops = op.getNumReductionLoops();
  LoopRoles roles = getLoopRoles(op, e.strategy);
  e.m = roles.m;
  e.n = roles.n;
  e.k = roles.k;
  e.batch = roles.batch;
  f.log2Iterations = log2Of(iterations(op));
  f.log2M = log2Of(product(e.m, e.ranges));
  f.log2N = log2Of(product(e.n, e.ranges));
  f.log2K = log2Of(product(e.k, e.ranges));
  f.log2Batch = log2Of(product(e.batch, e.ranges));

  for (OpOperand &operand : op->getOpOperands()) {
    Operand info;
    info.map = op.getMatchingIndexingMap(&operand);
    info.elementBytes = elementBytes(operand.get().getType());
    if (auto type = dyn_cast<ShapedType>(operand.get().getType()))
      for (int64_t dim : type.getShape())
        info.shape.push_back(ShapedType::isDynamic(dim) ? kNominalDynamicExtent
                                                        : dim);
    e.operands.push_back(std::move(info));
    if (matchPattern(operand.get(), m_Constant()))
      ++f.constantWeights;
  }

  // Work and bytes of the whole kernel: every op of the body, every tensor
  // it reads from outside and writes.
  double flops = 0;
  dispatch.getBody().walk([&](linalg::LinalgOp inner) {
    flops += iterations(inner) * bodyOperations(inner);
  });
  llvm::SetVector<Value> outside;
  getUsedValuesDefinedAbove(dispatch.getBody(), outside);
  double bytes = 0;
  for (Value value : outside)
    if (isa<ShapedType>(value.getType()))
      bytes += tensorBytes(value.getType());
  for (Type type : dispatch.getResultTypes())
    bytes += tensorBytes(type);
  f.log2Flops = log2Of(flops);
  f.log2Bytes = log2Of(bytes);
  f.log2ConstantBytes = log2Of(constantBytes(dispatch));
  f.log2Intensity = std::log2(std::max(flops, 1.0) / std::max(bytes, 1.0));

  addOpHistogram(dispatch, f);
  f.elementBits = elementBytes(op->getResult(0).getType()) * 8;
  f.targetLanes = target.f32Lanes();
  f.targetCores = target.cores;
  f.log2TargetL2 = log2Of(target.l2Bytes);
  return e;
}

FailureOr<KernelFeatures>
FeatureExtractor::extract(ScheduleAttr schedule) const {
  if (!schedule || schedule.getStrategy() != strategy ||
      schedule.getTiles().size() != ranges.size() ||
      schedule.getVector().size() != ranges.size())
    return failure();
  KernelFeatures f = common;
  // Extents of the three tile levels: the whole loop, the level-1 tile (0:
  // whole) and the register tile (0: the whole level-1 tile). A register
  // tile's panel spans its own rows and columns and the level-1 tile's
  // whole reduction.
  SmallVector<int64_t> level1, registers, panel;
  for (auto [i, range] : llvm::enumerate(ranges)) {
    int64_t tile = schedule.getTiles()[i];
    int64_t l1 = tile > 0 ? std::min(tile, range) : range;
    int64_t vec = schedule.getVector()[i];
    int64_t reg = vec > 0 ? std::min(vec, l1) : l1;
    level1.push_back(l1);
    registers.push_back(reg);
    panel.push_back(reductionLoops[i] ? l1 : reg);
  }
  f.log2TileM = log2Of(product(m, level1));
  f.log2TileN = log2Of(product(n, level1));
  f.log2TileK = log2Of(product(k, level1));
  double registerM = product(m, registers);
  double registerN = product(n, registers);
  f.log2RegisterM = log2Of(registerM);
  f.log2RegisterN = log2Of(registerN);

  int64_t lanes = target.f32Lanes();
  double vectorsN = std::ceil(registerN / lanes);
  f.registerVectorFill = registerN / (vectorsN * lanes);
  f.registerAccumulators = registerM * vectorsN;
  if (f.strategyContraction || f.strategyConv)
    f.loadsPerFma = (registerM + vectorsN) / f.registerAccumulators;
  f.registerSpill =
      f.registerAccumulators + vectorsN + 1 > target.vectorRegisters;
  f.innerVectorFill = std::min(registerN, (double)lanes) / lanes;
  f.innerScalar = registerN == 1;

  double level1Tiles = 1, kBlocks = 1, registerTiles = 1;
  for (auto [i, range] : llvm::enumerate(ranges)) {
    double tiles = std::ceil((double)range / level1[i]);
    if (reductionLoops[i]) {
      kBlocks *= tiles;
      continue;
    }
    level1Tiles *= tiles;
    registerTiles *= std::ceil((double)range / registers[i]);
  }
  f.log2Level1Tiles = log2Of(level1Tiles);
  f.level1TilesPerCore = level1Tiles / target.cores;
  double perCore = std::ceil(level1Tiles / target.cores) * target.cores;
  f.level1TilesTailFraction = (perCore - level1Tiles) / perCore;
  f.kBlocks = kBlocks;
  f.log2RegisterTiles = log2Of(registerTiles * kBlocks);
  f.threads = schedule.getThreads();
  f.pack = schedule.getPack();
  f.packsA = f.pack && packsA(product(m, level1), product(k, ranges));

  // Bytes: per level-1 tile, per register panel, and moved in all (each
  // operand's tile read once per tile it is part of).
  double tileBytes = 0, panelBytes = 0, trafficBytes = 0;
  for (const Operand &operand : operands) {
    double tile =
        footprint(operand.map, operand.shape, level1) * operand.elementBytes;
    tileBytes += tile;
    panelBytes +=
        footprint(operand.map, operand.shape, panel) * operand.elementBytes;
    trafficBytes += tile * level1Tiles * kBlocks;
  }
  f.log2TileBytes = log2Of(tileBytes);
  f.tileOverL1 = tileBytes / target.l1Bytes;
  f.tileOverL2 = tileBytes / target.l2Bytes;
  f.tileOverL3 = tileBytes / target.l3Bytes;
  f.log2PanelBytes = log2Of(panelBytes);
  f.panelOverL1 = panelBytes / target.l1Bytes;
  f.panelOverL2 = panelBytes / target.l2Bytes;
  f.log2TrafficBytes = log2Of(trafficBytes);
  return f;
}

FailureOr<KernelFeatures> costmodel::extractFeatures(DispatchOp dispatch,
                                                     ScheduleAttr schedule,
                                                     const Target &target) {
  FailureOr<FeatureExtractor> extractor =
      FeatureExtractor::create(dispatch, target);
  if (failed(extractor))
    return failure();
  return extractor->extract(schedule);
}
