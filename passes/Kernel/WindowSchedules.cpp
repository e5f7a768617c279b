//===- WindowSchedules.cpp - schedules of convolutions --------------------===//
//
// A convolution computed along its filters is a window contraction
// out[n, oh, ow, f] += in[n, c, oh * s + kh, ow * s + kw] * w[kh, kw, c, f]
// (see kiln-conv-to-im2col). Its register tile holds `mr` pixels of an
// output row x `nr` filters: each step broadcasts `mr` input values and
// loads `nr / width` filter vectors, straight from the input (no im2col).
//
//===----------------------------------------------------------------------===//
#include "passes/Kernel/Schedules.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

using namespace mlir;
using namespace mlir::kiln;
using kiln_kernel::ScheduleAttr;

namespace {

/// Level-1 tiles a window contraction is split into, where it can be.
constexpr int64_t kMinWindowTiles = 4;
/// Taps x channels of a channel block (the depth of a filter panel).
constexpr int64_t kMaxPanelTaps = 288;

/// `filterTile`: the level-1 tile of the filter panels when the filters
/// are laid out in panels, else of the filters.
struct WindowSizes {
  int64_t mr, nr, rows, filterTile, kc;
  bool threads;
};

ScheduleAttr windowSchedule(linalg::LinalgOp root, const WindowLoops &loops,
                            const WindowSizes &sizes) {
  SmallVector<utils::IteratorType> iterators = root.getIteratorTypesArray();
  SmallVector<int64_t> tiles(iterators.size()), vector(iterators.size(), 1);
  // Other parallel loops (the batch, the groups) one at a time; window
  // offsets whole.
  for (auto [i, iterator] : llvm::enumerate(iterators))
    tiles[i] = iterator == utils::IteratorType::parallel ? 1 : 0;
  tiles[loops.pixel] = 0;
  tiles[loops.filter] = sizes.filterTile;
  if (loops.filterBlock) {
    tiles[*loops.filterBlock] = sizes.filterTile;
    tiles[loops.filter] = 0;
  }
  tiles[loops.channel] = sizes.kc;
  if (loops.row)
    tiles[*loops.row] = sizes.rows;
  vector[loops.pixel] = sizes.mr;
  vector[loops.filter] = sizes.nr;
  return ScheduleAttr::get(root->getContext(), "conv", tiles, vector,
                           /*pack=*/false, sizes.threads);
}

SmallVector<int64_t> divisors(int64_t extent) {
  SmallVector<int64_t> result;
  for (int64_t d = 1; d <= extent; ++d)
    if (extent % d == 0)
      result.push_back(d);
  return result;
}

/// The product of the window's offset loops (kh x kw): the filter values
/// each channel contributes per output.
int64_t windowTaps(linalg::LinalgOp root, const WindowLoops &loops) {
  SmallVector<int64_t> ranges = root.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = root.getIteratorTypesArray();
  int64_t taps = 1;
  for (auto [i, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::reduction && i != loops.channel)
      taps *= ranges[i];
  return taps;
}

} // namespace

SmallVector<ScheduleAttr>
kiln::enumerateWindowSchedules(linalg::LinalgOp root, const WindowLoops &loops,
                               int64_t width) {
  SmallVector<int64_t> ranges = root.getStaticLoopRanges();
  int64_t channels = ranges[loops.channel];
  SmallVector<int64_t> kcs = {0};
  for (int64_t kc = 2; kc < channels; kc *= 2)
    if (channels % kc == 0)
      kcs.push_back(kc);
  SmallVector<int64_t> rowTiles =
      loops.row ? divisors(ranges[*loops.row]) : SmallVector<int64_t>{1};
  SmallVector<ScheduleAttr> schedules;
  for (int64_t mr : registerRows(ranges[loops.pixel]))
    for (int64_t nr : registerColumns(ranges[loops.filter], width)) {
      if (mr * std::max<int64_t>(nr / width, 1) > kMaxAccumulators)
        continue;
      SmallVector<int64_t> filterTiles =
          loops.filterBlock
              ? dividingMultiples(1, ranges[*loops.filterBlock], 2048)
              : dividingMultiples(nr, ranges[loops.filter], 2048);
      for (int64_t rows : rowTiles)
        for (int64_t filterTile : filterTiles)
          for (int64_t kc : kcs)
            for (bool threads : {false, true})
              schedules.push_back(windowSchedule(
                  root, loops, {mr, nr, rows, filterTile, kc, threads}));
    }
  return schedules;
}

ScheduleAttr kiln::chooseWindowSchedule(linalg::LinalgOp root,
                                        const WindowLoops &loops,
                                        int64_t width) {
  SmallVector<int64_t> ranges = root.getStaticLoopRanges();
  int64_t filters = ranges[loops.filter], pixels = ranges[loops.pixel];
  // Two filter vectors (a whole panel), and as many pixels as the
  // accumulators allow.
  int64_t nr = registerColumnTile(filters, width, 2 * width);
  if (loops.filterBlock && filters <= 2 * width)
    nr = filters;
  // Pixels a row does not divide into register tiles end in a remainder
  // tile: a 23-pixel row goes 12 + 11, not 23 single pixels.
  int64_t mr = chooseRegisterRows(pixels, {12, 8, 7, 6, 4, 2});
  // A level-1 tile of up to 256 output pixels x 64 filters: its filter
  // panel and input rows stay in L2 while every register tile reuses them.
  int64_t rows = 1;
  if (loops.row)
    for (int64_t d : divisors(ranges[*loops.row]))
      if (d * pixels <= 256)
        rows = d;
  int64_t filterTile =
      loops.filterBlock ? dividingTile(ranges[*loops.filterBlock],
                                       std::max<int64_t>(64 / filters, 1))
      : filters % nr
          ? filters
          : nr * dividingTile(filters / nr, std::max<int64_t>(64 / nr, 1));
  // Filters the register tile does not divide stay whole, ending in one
  // remainder tile.
  bool splitFilters = loops.filterBlock || filters % nr == 0;
  // A few tiles at least, for the threads: fewer rows per tile first.
  int64_t filterTiles = loops.filterBlock ? ranges[*loops.filterBlock]
                                          : llvm::divideCeil(filters, nr);
  int64_t perTile =
      loops.filterBlock ? filterTile : llvm::divideCeil(filterTile, nr);
  // Each group is a level-1 tile of its own.
  int64_t groups = loops.group ? ranges[*loops.group] : 1;
  auto tileCount = [&] {
    return groups * (loops.row ? ranges[*loops.row] / rows : 1) * filterTiles /
           perTile;
  };
  while (tileCount() < kMinWindowTiles &&
         (rows > 1 || (perTile > 1 && splitFilters))) {
    if (rows > 1) {
      rows = divisors(rows).end()[-2];
      continue;
    }
    perTile /= 2;
    filterTile /= 2;
  }
  // Channel blocks keep the filter panel a register tile streams (taps x kc
  // x 32 filters) within about 36 KB, near L1: measured on ResNet-18's 3x3
  // layers, 32-channel blocks beat whole 64 (3%) and 128-channel blocks.
  int64_t channels = ranges[loops.channel];
  int64_t taps = windowTaps(root, loops);
  int64_t kc = 0;
  if (channels * taps > kMaxPanelTaps)
    kc = dividingTile(channels, std::max<int64_t>(kMaxPanelTaps / taps, 1));
  if (kc == 1 || kc == channels)
    kc = 0;
  return windowSchedule(root, loops,
                        {mr, nr, rows, filterTile, kc, /*threads=*/true});
}
