//===- PrefetchAccumulators.cpp - kiln-prefetch-accumulators --------------===//
//
// A register tile reads its accumulators from the result before its k loop
// (in every k block after the first) and stores them after it. The level-1
// tile of the result outgrows the caches close to the core, so that read
// missed on every register tile: 10% of a 2048^3 matmul's samples sat on
// it. Each k loop runs long enough (hundreds of FMA steps) to bring in the
// next tile's lines, so the pass prefetches them, for writing, ahead of it.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNPREFETCHACCUMULATORS
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Bytes in a cache line of the CPUs Kiln targets.
constexpr int64_t kCacheLineBytes = 64;
/// k steps a register tile takes at least for its prefetches to pay: a
/// shorter loop (attention's scores, k = 32) neither hides a miss nor
/// amortizes them.
constexpr int64_t kMinKSteps = 64;
/// Prefetches issued per register tile at most: a larger tile would not
/// stay in registers anyway, and more would crowd the miss buffers.
constexpr int64_t kMaxPrefetches = 32;

/// The ops of `body` that compute `values`, in block order, or failure if
/// one of them has side effects or regions (it cannot be computed again).
FailureOr<SmallVector<Operation *>> addressSlice(Block *body,
                                                 ValueRange values) {
  llvm::SetVector<Operation *> slice;
  SmallVector<Value> worklist(values.begin(), values.end());
  while (!worklist.empty()) {
    Operation *def = worklist.pop_back_val().getDefiningOp();
    if (!def || def->getBlock() != body || slice.contains(def))
      continue;
    if (!isMemoryEffectFree(def) || def->getNumRegions() != 0)
      return failure();
    slice.insert(def);
    llvm::append_range(worklist, def->getOperands());
  }
  SmallVector<Operation *> ordered(slice.begin(), slice.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return ordered;
}

/// Whether `slice` reads `value`.
bool uses(ArrayRef<Operation *> slice, Value value) {
  return llvm::any_of(slice, [&](Operation *op) {
    return llvm::is_contained(op->getOperands(), value);
  });
}

/// Prefetches, ahead of `kLoop`, the tile that `write` (storing its result)
/// stores in the next iteration of the loop around both.
void prefetchNextTile(vector::TransferWriteOp write, scf::ForOp kLoop) {
  auto outer = dyn_cast<scf::ForOp>(write->getParentOp());
  auto memref = dyn_cast<MemRefType>(write.getBase().getType());
  VectorType vector = write.getVectorType();
  std::optional<APInt> steps = kLoop.getStaticTripCount();
  if ((steps && steps->getSExtValue() < kMinKSteps) || !outer || !memref ||
      kLoop->getBlock() != write->getBlock() ||
      !write.getPermutationMap().isMinorIdentity() || vector.isScalable() ||
      vector.getRank() == 0 || !memref.getElementType().isIntOrFloat() ||
      memref.getElementTypeBitWidth() % 8)
    return;
  int64_t lineElements =
      kCacheLineBytes / (memref.getElementTypeBitWidth() / 8);
  ArrayRef<int64_t> shape = vector.getShape();
  int64_t rows = vector.getNumElements() / shape.back();
  int64_t lines = llvm::divideCeil(shape.back(), lineElements);
  SmallVector<int64_t> strides;
  int64_t offset;
  if (rows * lines > kMaxPrefetches ||
      failed(memref.getStridesAndOffset(strides, offset)) ||
      strides.back() != 1)
    return;

  SmallVector<Value> address = {write.getBase()};
  llvm::append_range(address, write.getIndices());
  FailureOr<SmallVector<Operation *>> slice =
      addressSlice(outer.getBody(), address);
  Value iv = outer.getInductionVar();
  if (failed(slice) || (!uses(*slice, iv) && !llvm::is_contained(address, iv)))
    return;

  // The next iteration's tile; the last iteration prefetches its own.
  OpBuilder b(kLoop);
  Location loc = write.getLoc();
  Value next = arith::AddIOp::create(b, loc, iv, outer.getStep());
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, next,
                                        outer.getUpperBound());
  IRMapping mapping;
  mapping.map(iv, arith::SelectOp::create(b, loc, inRange, next, iv));
  for (Operation *op : *slice)
    b.clone(*op, mapping);
  Value base = mapping.lookupOrDefault(write.getBase());
  SmallVector<Value> indices = llvm::map_to_vector(
      write.getIndices(), [&](Value i) { return mapping.lookupOrDefault(i); });

  // One prefetch per row of the vector and cache line along the row.
  unsigned rank = indices.size(), vectorRank = shape.size();
  SmallVector<int64_t> rowShape(shape.drop_back());
  for (int64_t row = 0; row < rows; ++row) {
    SmallVector<int64_t> position = delinearize(row, computeStrides(rowShape));
    position.push_back(0);
    for (int64_t line = 0; line < lines; ++line) {
      position.back() = line * lineElements;
      SmallVector<Value> at(indices);
      for (unsigned d = 0; d < vectorRank; ++d)
        if (position[d] != 0)
          at[rank - vectorRank + d] = arith::AddIOp::create(
              b, loc, at[rank - vectorRank + d],
              arith::ConstantIndexOp::create(b, loc, position[d]));
      memref::PrefetchOp::create(b, loc, base, at, /*isWrite=*/true,
                                 /*localityHint=*/3, /*isDataCache=*/true);
    }
  }
}

struct KilnPrefetchAccumulatorsPass
    : kiln::impl::KilnPrefetchAccumulatorsBase<KilnPrefetchAccumulatorsPass> {
  void runOnOperation() override {
    SmallVector<std::pair<vector::TransferWriteOp, scf::ForOp>> tiles;
    getOperation().walk([&](vector::TransferWriteOp write) {
      if (auto kLoop = write.getVector().getDefiningOp<scf::ForOp>())
        tiles.emplace_back(write, kLoop);
    });
    for (auto [write, kLoop] : tiles)
      prefetchNextTile(write, kLoop);
  }
};

} // namespace
