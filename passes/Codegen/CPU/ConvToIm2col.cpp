//===- ConvToIm2col.cpp - kiln-conv-to-im2col -----------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNCONVTOIM2COL
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Tiles the batch of `conv` by one image; returns the tiled convolution.
FailureOr<linalg::Conv2DNchwFchwOp> tileBatch(IRRewriter &rewriter,
                                              linalg::Conv2DNchwFchwOp conv) {
  SmallVector<int64_t> batchTile(conv.getNumLoops(), 0);
  batchTile[0] = 1;
  scf::SCFTilingOptions options;
  options.setTileSizes(
      getAsIndexOpFoldResult(rewriter.getContext(), batchTile));
  rewriter.setInsertionPoint(conv);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(conv.getOperation()), options);
  if (failed(tiled) || tiled->tiledOps.size() != 1)
    return failure();
  rewriter.replaceOp(conv, tiled->replacements);
  auto tiledConv = dyn_cast<linalg::Conv2DNchwFchwOp>(tiled->tiledOps.front());
  if (!tiledConv)
    return failure();
  return tiledConv;
}

struct KilnConvToIm2colPass
    : kiln::impl::KilnConvToIm2colBase<KilnConvToIm2colPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation().walk(
        [&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      if (cast<ShapedType>(conv.getInputs()[0].getType()).isDynamicDim(0)) {
        FailureOr<linalg::Conv2DNchwFchwOp> tiled = tileBatch(rewriter, conv);
        if (failed(tiled))
          continue;
        conv = *tiled;
      }
      rewriter.setInsertionPoint(conv);
      // On success this replaces (and erases) the convolution itself; a
      // convolution it cannot rewrite stays a (slower) direct one.
      (void)linalg::rewriteInIm2Col(rewriter, conv);
    }
  }
};

} // namespace
