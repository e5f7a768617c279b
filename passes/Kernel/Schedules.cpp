//===- Schedules.cpp - the space of CPU schedules of a dispatch -----------===//
#include "passes/Kernel/Schedules.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::kiln;
using kiln_kernel::DispatchOp;
using kiln_kernel::ScheduleAttr;

int64_t kiln::dividingTile(int64_t extent, int64_t limit) {
  if (ShapedType::isDynamic(extent))
    return 1;
  for (int64_t t = limit; t > 1; t /= 2)
    if (extent % t == 0)
      return t;
  return 1;
}

SmallVector<unsigned> kiln::loopsKeptWhole(linalg::LinalgOp root) {
  SmallVector<unsigned> whole;
  for (OpOperand *input : root.getDpsInputOperands()) {
    auto producer = input->get().getDefiningOp<linalg::LinalgOp>();
    if (!producer || producer->getBlock() != root->getBlock() ||
        isPureCopy(producer))
      continue;
    AffineMap map = root.getMatchingIndexingMap(input);
    for (unsigned loop = 0, e = root.getNumLoops(); loop < e; ++loop)
      if (!map.isFunctionOfDim(loop) && !llvm::is_contained(whole, loop))
        whole.push_back(loop);
  }
  return whole;
}

/// Level-1 tiles a kernel other than a contraction is split into, at least,
/// where its loops allow: enough for the threads, few enough that each has
/// work to amortize its loop overhead.
static constexpr int64_t kMinLevel1Tiles = 16;
/// Row length up to which an op reading a per-row value (softmax's max,
/// layer-norm's mean) is vectorized across rows as well.
static constexpr int64_t kMaxRowsVectorLength = 1024;
/// Elements a reduction may hold in one vector before it is tiled too.
static constexpr int64_t kMaxReductionVector = 256;

SmallVector<int64_t> kiln::dividingMultiples(int64_t base, int64_t extent,
                                             int64_t limit) {
  if (ShapedType::isDynamic(extent))
    return {0};
  SmallVector<int64_t> sizes;
  for (int64_t s = base; s <= std::min(extent, limit); s *= 2)
    if (extent % s == 0)
      sizes.push_back(s);
  if (!llvm::is_contained(sizes, extent))
    sizes.push_back(extent);
  return sizes;
}

int64_t kiln::remainderTiles(int64_t extent, int64_t size) {
  if (ShapedType::isDynamic(extent) || size == 0)
    return 1;
  return llvm::divideCeil(extent, size);
}

SmallVector<int64_t> kiln::registerRows(int64_t m) {
  // A size leaving a remainder is offered only where no larger size of the
  // list divides the loop (which would do the work in as few tiles, all
  // full): 6, 7, 12 or 14 rows are not candidates for 16, 16 rows is for 56.
  constexpr int64_t kSizes[] = {1, 2, 4, 6, 7, 8, 12, 14, 16};
  auto dividedAbove = [&](int64_t r) {
    return llvm::any_of(kSizes, [&](int64_t d) { return d > r && m % d == 0; });
  };
  SmallVector<int64_t> rows;
  for (int64_t r : kSizes)
    if (ShapedType::isDynamic(m) || m % r == 0 || (r < m && !dividedAbove(r)))
      rows.push_back(r);
  if (!ShapedType::isDynamic(m) && m <= 16 && !llvm::is_contained(rows, m))
    rows.push_back(m);
  return rows;
}

SmallVector<int64_t> kiln::registerColumns(int64_t n, int64_t width) {
  SmallVector<int64_t> cols;
  for (int64_t c : {width, 2 * width, 4 * width, 8 * width})
    if (ShapedType::isDynamic(n) || c <= n)
      cols.push_back(c);
  if (cols.empty())
    cols.push_back(n);
  return cols;
}

int64_t kiln::registerColumnTile(int64_t n, int64_t width, int64_t limit) {
  if (ShapedType::isDynamic(n))
    return width;
  if (n < width)
    return n;
  int64_t dividing = dividingTile(n, limit);
  return dividing >= width ? dividing : std::min(limit, width * (n / width));
}

int64_t kiln::largestDivisorAtMost(int64_t extent, int64_t limit) {
  for (int64_t d = std::min(extent, limit); d > 1; --d)
    if (extent % d == 0)
      return d;
  return 1;
}

int64_t kiln::chooseRegisterRows(int64_t extent, ArrayRef<int64_t> preferred) {
  int64_t most = preferred.front();
  if (ShapedType::isDynamic(extent))
    return std::min<int64_t>(most, 8);
  for (int64_t rows : preferred)
    if (rows >= 4 && extent % rows == 0)
      return rows;
  if (extent <= most)
    return extent;
  // The fewest register tiles, the last one partial.
  int64_t best = most;
  for (int64_t rows : preferred)
    if (rows >= 4 &&
        llvm::divideCeil(extent, rows) < llvm::divideCeil(extent, best))
      best = rows;
  return best;
}

namespace {

/// The loops of a contraction the register tile is built on.
struct ContractionLoops {
  unsigned m, n, k;
  int64_t mSize, nSize, kSize;
};

ContractionLoops getContractionLoops(linalg::LinalgOp root) {
  linalg::ContractionDimensions dims = *linalg::inferContractionDims(root);
  SmallVector<int64_t> ranges = root.getStaticLoopRanges();
  ContractionLoops loops;
  loops.m = *llvm::max_element(dims.m);
  loops.n = *llvm::max_element(dims.n);
  loops.k = *llvm::max_element(dims.k);
  loops.mSize = ranges[loops.m];
  loops.nSize = ranges[loops.n];
  loops.kSize = ranges[loops.k];
  return loops;
}

/// A contraction schedule: every loop but m, n and k tiled by 1.
ScheduleAttr contractionSchedule(linalg::LinalgOp root,
                                 const ContractionLoops &loops, int64_t mr,
                                 int64_t nr, int64_t mc, int64_t nc, int64_t kc,
                                 bool pack, bool threads) {
  SmallVector<int64_t> tiles(root.getNumLoops(), 1), vector(tiles.size(), 1);
  tiles[loops.m] = mc;
  tiles[loops.n] = nc;
  tiles[loops.k] = kc;
  vector[loops.m] = mr;
  vector[loops.n] = nr;
  return ScheduleAttr::get(root->getContext(), "contraction", tiles, vector,
                           pack, threads);
}

/// Packing lays the operands out in whole register-tile panels: the
/// register tile divides the level-1 tile, of a linalg.matmul.
bool packable(linalg::LinalgOp root, const ContractionLoops &loops, int64_t mr,
              int64_t nr, int64_t mc, int64_t nc) {
  int64_t rows = mc ? mc : loops.mSize, cols = nc ? nc : loops.nSize;
  return isa<linalg::MatmulOp>(root) && !ShapedType::isDynamic(rows) &&
         !ShapedType::isDynamic(cols) && rows % mr == 0 && cols % nr == 0;
}

SmallVector<ScheduleAttr> enumerateContraction(linalg::LinalgOp root,
                                               int64_t width) {
  ContractionLoops loops = getContractionLoops(root);
  SmallVector<unsigned> whole = loopsKeptWhole(root);
  SmallVector<int64_t> kcs = {0};
  for (int64_t kc : {32, 64, 128, 256, 512})
    if (kc < loops.kSize && loops.kSize % kc == 0)
      kcs.push_back(kc);
  SmallVector<ScheduleAttr> schedules;
  for (int64_t mr : registerRows(loops.mSize))
    for (int64_t nr : registerColumns(loops.nSize, width)) {
      if (mr * std::max<int64_t>(nr / width, 1) > kMaxAccumulators)
        continue;
      for (int64_t mc : dividingMultiples(mr, loops.mSize, 512))
        for (int64_t nc : dividingMultiples(nr, loops.nSize, 2048)) {
          // 0: the whole (dynamic) loop.
          if ((llvm::is_contained(whole, loops.m) && mc && mc != loops.mSize) ||
              (llvm::is_contained(whole, loops.n) && nc && nc != loops.nSize))
            continue;
          for (int64_t kc : kcs)
            for (bool pack : {false, true})
              for (bool threads : {false, true})
                if (!pack || packable(root, loops, mr, nr, mc, nc))
                  schedules.push_back(contractionSchedule(
                      root, loops, mr, nr, mc, nc, kc, pack, threads));
        }
    }
  return schedules;
}

ScheduleAttr chooseContraction(linalg::LinalgOp root, int64_t width) {
  ContractionLoops loops = getContractionLoops(root);
  // Register tile: 8 rows x 2 vectors (16 accumulators); a matrix-vector
  // product streams wider rows of the right operand instead.
  int64_t mr = chooseRegisterRows(loops.mSize, {8, 7, 6, 4, 2});
  int64_t nr = registerColumnTile(loops.nSize, width, (mr < 4 ? 4 : 2) * width);
  // k blocks of at most 256: the register tile's B panel (256 x nr) stays
  // in L1 while it runs down the rows.
  int64_t kc = loops.kSize <= 256 ? 0 : dividingTile(loops.kSize, 256);
  if (kc < 64)
    kc = 0;
  // Packing copies each k block of both operands once per level-1 tile:
  // it pays when the tile has enough rows to reuse the copied B panels. A
  // product with few rows packs constant weights, laid out at compile time,
  // so that it streams them contiguously (an MLP at batch 1: 1.3 -> 0.8 ms),
  // unless its column panels are narrow: each of the many level-1 tiles of
  // a 1000-column layer (8-wide panels) packed the rows of A again.
  bool constantB = matchPattern(root.getDpsInputs()[1], m_Constant());
  bool pack = packable(root, loops, mr, nr, 0, 0) &&
              ((mr >= 4 && loops.mSize >= 32) ||
               (constantB && (mr < 4 || nr >= 2 * width)));
  // With few rows the product streams B from memory: short k blocks make
  // the register tiles of a level-1 tile walk each row of B contiguously.
  if (!pack && !ShapedType::isDynamic(loops.mSize) && loops.mSize <= 16 &&
      loops.kSize > 64)
    kc = dividingTile(loops.kSize, 32);
  // Level-1 tiles: what one thread computes at a time. A packed tile keeps
  // many rows so that its B panels are copied once per column block. An
  // operand copied in the kernel (the im2col of a convolution) is made one
  // tile at a time: the dimension it does not depend on stays whole, so
  // that no part of it is made twice.
  // Rows the register tile does not divide stay whole: the register tiles
  // of each level-1 tile end in one remainder tile.
  int64_t mc = pack ? mr * dividingTile(loops.mSize / mr, 32)
                    : mr * dividingTile(loops.mSize / mr, 8);
  if (ShapedType::isDynamic(loops.mSize))
    mc = 0;
  else if (loops.mSize % mr)
    mc = loops.mSize;
  // Packed constant weights are copied at compile time, not per tile: such
  // a tile keeps few enough rows that A is read in place (1024 x 256 x
  // 1024: 128-row tiles 5% faster than 256-row ones, which packed A).
  while (pack && constantB && packsA(mc, loops.kSize) && mc / 2 >= 32 &&
         (mc / 2) % mr == 0)
    mc /= 2;
  int64_t nc = nr * dividingTile(loops.nSize / nr, 16);
  if (ShapedType::isDynamic(loops.nSize))
    nc = 0;
  else if (loops.nSize % nr)
    nc = loops.nSize;
  auto copiedInKernel = [&](Value operand) {
    Operation *def = operand.getDefiningOp();
    return def && def->getParentOp() == root->getParentOp() &&
           isa<linalg::GenericOp>(def);
  };
  if (copiedInKernel(root.getDpsInputs()[0]))
    nc = loops.nSize;
  else if (copiedInKernel(root.getDpsInputs()[1]))
    mc = loops.mSize;
  // Enough level-1 tiles for the threads where the copies allow. Each
  // packed tile copies its panels of both operands, so packed products stop
  // at 4 (a 512^3 matmul, 1 thread: 128 x 512 tiles 8% faster than 64 x
  // 512, and as fast with 2 threads), the others at 8. A packed tile gives
  // up rows first, down to 32: each column tile packs its rows of A again,
  // and 128 x 32 tiles of a 128 x 256 x 1024 product were 20% slower than
  // 32 x 128 ones.
  // Columns the register tile does not divide are split at divisors of
  // their extent, each tile ending in a remainder tile.
  int64_t minTiles = pack ? 4 : 8;
  auto tiles = [&] {
    return remainderTiles(loops.mSize, mc) * remainderTiles(loops.nSize, nc);
  };
  while (pack && tiles() < minTiles && mc > 32 && (mc / 2) % mr == 0)
    mc /= 2;
  while (tiles() < minTiles && nc > nr &&
         !copiedInKernel(root.getDpsInputs()[0])) {
    int64_t half =
        (nc / 2) % nr == 0 ? nc / 2 : largestDivisorAtMost(nc, nc / 2);
    if (half < nr)
      break;
    nc = half;
  }
  return contractionSchedule(root, loops, mr, nr, mc, nc, kc, pack,
                             /*threads=*/true);
}

} // namespace

/// The innermost parallel loop of `op`, if any.
static std::optional<unsigned> innermostParallelLoop(linalg::LinalgOp op) {
  // Loops of extent 1 after it hold no work: a [1, 24, 1, 1] tensor is
  // vectorized along its 24 (it is contiguous there), not along a 1.
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  std::optional<unsigned> unitLoop;
  for (int64_t i = iterators.size() - 1; i >= 0; --i) {
    if (iterators[i] != utils::IteratorType::parallel)
      continue;
    if (ranges[i] != 1)
      return i;
    if (!unitLoop)
      unitLoop = i;
  }
  return unitLoop;
}

/// A parallel loop of `op`, other than its innermost, along which one of its
/// inputs is contiguous in memory: the input is read transposed. Looks
/// through the ops producing its inputs in the same block (a transpose
/// followed by its epilogue), up to `depth` of them.
static std::optional<unsigned> transposedLoop(linalg::LinalgOp op,
                                              unsigned depth) {
  std::optional<unsigned> innermost = innermostParallelLoop(op);
  if (!innermost)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  auto parallelLoop = [&](AffineExpr e) -> std::optional<unsigned> {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim || dim.getPosition() == *innermost ||
        iterators[dim.getPosition()] != utils::IteratorType::parallel)
      return std::nullopt;
    return dim.getPosition();
  };
  for (OpOperand *input : op.getDpsInputOperands()) {
    // An input broadcast along the innermost loop (a row's max or mean) is
    // not transposed, but vectors of rows pay off: the row reductions then
    // run across 16 rows at once, where one row at a time is a chain of
    // ordered scalar adds (softmax over 128: 3x faster, layer-norm over 256
    // and 768: 2.3-2.5x). The reductions go a 16 x 16 block at a time
    // (defaultVector), so the code does not grow with the row length.
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.getNumResults() == 0 || !map.isProjectedPermutation() ||
        (!map.isFunctionOfDim(*innermost) &&
         op.getStaticLoopRanges()[*innermost] > kMaxRowsVectorLength))
      continue;
    if (std::optional<unsigned> loop = parallelLoop(map.getResults().back()))
      return loop;
    auto producer = input->get().getDefiningOp<linalg::LinalgOp>();
    if (!producer || depth == 0 || producer->getBlock() != op->getBlock() ||
        producer.getNumDpsInits() != 1)
      continue;
    std::optional<unsigned> inner = transposedLoop(producer, depth - 1);
    if (!inner)
      continue;
    // The producer's loop -> the dimension of its result -> our loop.
    AffineMap produced =
        producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
    for (auto [d, result] : llvm::enumerate(produced.getResults()))
      if (result == getAffineDimExpr(*inner, op->getContext()))
        if (std::optional<unsigned> loop = parallelLoop(map.getResult(d)))
          return loop;
  }
  return std::nullopt;
}

SmallVector<int64_t> kiln::defaultVector(linalg::LinalgOp op, int64_t width) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> vector(ranges.size(), 1);
  int64_t reductionElements = 1;
  for (auto [range, iterator] : llvm::zip(ranges, iterators))
    if (iterator == utils::IteratorType::reduction)
      reductionElements = ShapedType::isDynamic(range) || reductionElements < 0
                              ? -1
                              : reductionElements * range;
  bool wholeReduction =
      reductionElements > 0 && reductionElements <= kMaxReductionVector;
  for (auto [i, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::reduction)
      vector[i] = wholeReduction ? 0 : 1;
  std::optional<unsigned> innermost = innermostParallelLoop(op);
  if (!innermost)
    return vector;
  vector[*innermost] = registerColumnTile(ranges[*innermost], width, width);
  // Rows reduced along their contiguous innermost loop, a vector of rows at
  // a time, go one square block at a time: each block is transposed in
  // registers and folded into the accumulator, where a whole row block
  // (16 x 128) held more vectors than there are registers.
  int64_t last = ranges.size() - 1;
  if (vector[*innermost] > 1 &&
      iterators[last] == utils::IteratorType::reduction &&
      !ShapedType::isDynamic(ranges[last]) && ranges[last] > width &&
      ranges[last] % width == 0)
    vector[last] = width;
  // An input read transposed is read as whole vectors along its contiguous
  // dimension too, and transposed in registers (ops without reductions: a
  // reduction's vector already spans its reduced dimension).
  std::optional<unsigned> transposed = transposedLoop(op, /*depth=*/3);
  if (vector[*innermost] >= 4 && transposed && op.getNumReductionLoops() == 0 &&
      !ShapedType::isDynamic(ranges[*transposed]) &&
      ranges[*transposed] % width == 0)
    vector[*transposed] = width;
  return vector;
}

namespace {

/// Level-1 tiles of a non-contraction root: the first `depth` outer
/// parallel loops tiled by their `vector` size (1 for most), the rest whole.
SmallVector<int64_t> outerTiles(linalg::LinalgOp op, unsigned depth,
                                ArrayRef<int64_t> vector) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> tiles(iterators.size(), 0);
  std::optional<unsigned> innermostLoop = innermostParallelLoop(op);
  int64_t innermost = innermostLoop ? *innermostLoop : -1;
  unsigned tiled = 0;
  for (auto [i, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::parallel && (int64_t)i != innermost &&
        tiled < depth) {
      tiles[i] = std::max<int64_t>(vector[i], 1);
      ++tiled;
    }
  return tiles;
}

unsigned outerParallelLoops(linalg::LinalgOp op) {
  unsigned parallel = op.getNumParallelLoops();
  return parallel ? parallel - 1 : 0;
}

} // namespace

SmallVector<ScheduleAttr> kiln::enumerateSchedules(DispatchOp dispatch,
                                                   int64_t vectorWidth) {
  FailureOr<ScheduleRoot> root = getScheduleRoot(dispatch);
  if (failed(root))
    return {};
  if (root->strategy == "contraction")
    return enumerateContraction(root->op, vectorWidth);
  if (root->strategy == "conv")
    return enumerateWindowSchedules(root->op, *matchWindowContraction(root->op),
                                    vectorWidth);
  MLIRContext *context = dispatch.getContext();
  SmallVector<ScheduleAttr> schedules;
  SmallVector<int64_t> vector = defaultVector(root->op, vectorWidth);
  for (unsigned depth = 0; depth <= outerParallelLoops(root->op); ++depth)
    for (bool threads : {false, true})
      if (depth > 0 || !threads)
        schedules.push_back(ScheduleAttr::get(
            context, root->strategy, outerTiles(root->op, depth, vector),
            vector, /*pack=*/false, threads));
  return schedules;
}

ScheduleAttr kiln::chooseSchedule(DispatchOp dispatch, int64_t vectorWidth) {
  FailureOr<ScheduleRoot> root = getScheduleRoot(dispatch);
  if (failed(root))
    return {};
  if (root->strategy == "contraction")
    return chooseContraction(root->op, vectorWidth);
  if (root->strategy == "conv")
    return chooseWindowSchedule(root->op, *matchWindowContraction(root->op),
                                vectorWidth);
  // The fewest outer loops whose tiles keep the threads busy: more tiles
  // only add loop overhead.
  SmallVector<int64_t> vector = defaultVector(root->op, vectorWidth);
  SmallVector<int64_t> ranges = root->op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = root->op.getIteratorTypesArray();
  unsigned depth = 0;
  int64_t tiles = 1;
  for (auto [i, iterator] : llvm::enumerate(iterators)) {
    if (depth == outerParallelLoops(root->op) || tiles >= kMinLevel1Tiles)
      break;
    if (iterator != utils::IteratorType::parallel)
      continue;
    ++depth;
    tiles *= ShapedType::isDynamic(ranges[i])
                 ? kMinLevel1Tiles
                 : ranges[i] / std::max<int64_t>(vector[i], 1);
  }
  return ScheduleAttr::get(dispatch.getContext(), root->strategy,
                           outerTiles(root->op, depth, vector), vector,
                           /*pack=*/false, /*threads=*/depth > 0);
}

LogicalResult kiln::verifySchedule(DispatchOp dispatch, ScheduleAttr schedule) {
  FailureOr<ScheduleRoot> root = getScheduleRoot(dispatch);
  if (failed(root))
    return dispatch.emitOpError("has no linalg op to schedule");
  if (root->strategy != schedule.getStrategy())
    return dispatch.emitOpError("needs a '")
           << root->strategy << "' schedule, not '" << schedule.getStrategy()
           << "'";
  if (schedule.getPack() && !isa<linalg::MatmulOp>(root->op))
    return dispatch.emitOpError("only a linalg.matmul can be packed");
  if (schedule.getPack()) {
    // A linalg.matmul's loops are (m, n, k).
    SmallVector<int64_t> extents = root->op.getStaticLoopRanges();
    for (unsigned loop : {0, 1}) {
      int64_t tile =
          schedule.getTiles()[loop] ? schedule.getTiles()[loop] : extents[loop];
      int64_t vec = schedule.getVector()[loop];
      if (ShapedType::isDynamic(tile) || vec < 1 || tile % vec)
        return dispatch.emitOpError("a packed matmul's register tile must "
                                    "divide its level-1 tile: loop ")
               << loop << " has tile " << tile << ", register tile " << vec;
    }
  }
  SmallVector<int64_t> ranges = root->op.getStaticLoopRanges();
  if (root->strategy == "conv" &&
      schedule.getVector().size() == ranges.size()) {
    // The register tile is an outer product of pixels and filters, summed
    // over the channels; other loops run one step at a time.
    WindowLoops loops = *matchWindowContraction(root->op);
    for (auto [i, size] : llvm::enumerate(schedule.getVector()))
      if (size != 1 && i != loops.pixel && i != loops.filter &&
          i != loops.channel)
        return dispatch.emitOpError("a conv's register tile spans its pixel, "
                                    "filter and channel loops only, not loop ")
               << i;
  }
  if (schedule.getTiles().size() != ranges.size())
    return dispatch.emitOpError("schedule gives ")
           << schedule.getTiles().size() << " sizes per level; the root "
           << root->op->getName() << " has " << ranges.size() << " loops";
  if (root->strategy == "contraction")
    for (unsigned loop : loopsKeptWhole(root->op))
      if (schedule.getTiles()[loop] != 0 &&
          schedule.getTiles()[loop] != ranges[loop])
        return dispatch.emitOpError("schedule tiles loop ")
               << loop << ", which an operand computed in the kernel does "
               << "not depend on: each tile would compute it again";
  for (auto [i, range] : llvm::enumerate(ranges)) {
    int64_t tile = schedule.getTiles()[i], vec = schedule.getVector()[i];
    int64_t level1 = tile ? tile : range;
    bool dynamic = ShapedType::isDynamic(range);
    if ((dynamic && tile > 1) || (!dynamic && tile && range % tile) ||
        tile < 0 || vec < 0)
      return dispatch.emitOpError("schedule's level-1 tile ")
             << tile << " does not divide loop " << i << " of extent "
             << (dynamic ? std::string("?") : std::to_string(range));
    if (!dynamic && vec > level1)
      return dispatch.emitOpError("schedule's register tile ")
             << vec << " exceeds loop " << i << "'s level-1 tile " << level1;
  }
  return success();
}
