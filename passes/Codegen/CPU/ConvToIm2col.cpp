//===- ConvToIm2col.cpp - kiln-conv-to-im2col -----------------------------===//
#include "passes/Codegen/CPU/TilingUtils.h"
#include "passes/Codegen/CPU/UnrollWindows.h"
#include "passes/Codegen/CPU/WindowContraction.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/Matchers.h"
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
  auto tiled = dyn_cast_or_null<linalg::Conv2DNchwFchwOp>(
      kiln::tileWithLoops(rewriter, conv, batchTile));
  if (!tiled)
    return failure();
  return tiled;
}

/// `filter` [F, K] transposed to [K, F]: folded when it is a constant.
Value transposeFilter(IRRewriter &rewriter, Location loc, Value filter) {
  // The filter is usually a constant seen through a collapse_shape, which
  // keeps the order of the data.
  DenseElementsAttr constant;
  if (auto collapse = filter.getDefiningOp<tensor::CollapseShapeOp>())
    if (matchPattern(collapse.getSrc(), m_Constant(&constant)))
      filter = arith::ConstantOp::create(
          rewriter, loc,
          constant.reshape(cast<ShapedType>(collapse.getType())));
  return kiln::permute(rewriter, loc, filter, {1, 0});
}

/// Above this many output pixels per image, vectorizing along them is as
/// good, and transposing the result back costs more.
constexpr int64_t kMaxPixelsToTranspose = 4096;

/// The im2col contraction out[n, f, p] += filter[f, k] * col[n, k, p] (of a
/// convolution with a dynamic batch, one image at a time) vectorizes along
/// the output pixels p, with a register tile of filter rows broadcast from
/// the filter. With at most a few thousand pixels (whose rows may not even
/// fill a vector) and filters a multiple of the vector width, compute
/// outT[n, p, f] += col[n, k, p] * filterT[k, f] instead, whose register
/// tile runs along the filters, and transpose the result back.
void vectorizeAlongFilters(IRRewriter &rewriter, linalg::GenericOp contraction,
                           int64_t vectorWidth) {
  auto outType = cast<RankedTensorType>(contraction.getOutputs()[0].getType());
  if (contraction.getNumDpsInputs() != 2 || outType.getRank() != 3 ||
      !outType.hasStaticShape() || outType.getDimSize(1) % vectorWidth != 0 ||
      outType.getDimSize(2) > kMaxPixelsToTranspose)
    return;
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr n, f, p, k;
  bindDims(ctx, n, f, p, k);
  SmallVector<AffineMap> expected = {AffineMap::get(4, 0, {f, k}, ctx),
                                     AffineMap::get(4, 0, {n, k, p}, ctx),
                                     AffineMap::get(4, 0, {n, f, p}, ctx)};
  if (contraction.getIndexingMapsArray() != expected)
    return;
  Location loc = contraction.getLoc();
  rewriter.setInsertionPoint(contraction);
  Value filterT = transposeFilter(rewriter, loc, contraction.getInputs()[0]);
  Value initT =
      kiln::permute(rewriter, loc, contraction.getOutputs()[0], {0, 2, 1});
  // Loops (n, p, f, k): the vectorizer lays the accumulator out in loop
  // order, and the outer-product lowering vectorizes its last dimension.
  AffineExpr pixel = f, filter = p; // Loops 1 and 2 swap roles.
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {n, k, pixel}, ctx),
                                 AffineMap::get(4, 0, {k, filter}, ctx),
                                 AffineMap::get(4, 0, {n, pixel, filter}, ctx)};
  auto swapped = linalg::GenericOp::create(
      rewriter, loc, initT.getType(),
      ValueRange{contraction.getInputs()[1], filterT}, ValueRange{initT}, maps,
      contraction.getIteratorTypesArray(),
      [](OpBuilder &builder, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(builder, loc, args[0], args[1]);
        Value sum = arith::AddFOp::create(builder, loc, args[2], product);
        linalg::YieldOp::create(builder, loc, sum);
      });
  rewriter.replaceOp(
      contraction,
      kiln::permute(rewriter, loc, swapped.getResult(0), {0, 2, 1}));
}

/// Rewrites a static f32 NCHW convolution as col[n, k, p] = im2col(input)
/// and out[n, f, p] += filter[f, k] * col[n, k, p]. Unlike upstream's
/// im2col, whose indexing maps use floordiv/mod, this one computes the
/// input coordinates in its body from linalg.index, so it can be tiled: the
/// contraction's kernel builds the columns of one tile at a time, in cache.
LogicalResult rewriteWithIndexedIm2col(IRRewriter &rewriter,
                                       linalg::Conv2DNchwFchwOp conv) {
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1];
  Value init = conv.getOutputs()[0];
  auto inType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outType = cast<RankedTensorType>(init.getType());
  if (!inType.hasStaticShape() || !filterType.hasStaticShape() ||
      !outType.hasStaticShape() || !outType.getElementType().isF32() ||
      !inType.getElementType().isF32() || !filterType.getElementType().isF32())
    return failure();
  int64_t batch = outType.getDimSize(0);
  int64_t outW = outType.getDimSize(3);
  int64_t pixels = outType.getDimSize(2) * outW;
  int64_t kh = filterType.getDimSize(2), kw = filterType.getDimSize(3);
  int64_t taps = filterType.getDimSize(1) * kh * kw;
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());

  Location loc = conv.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  rewriter.setInsertionPoint(conv);
  Value columnsInit = tensor::EmptyOp::create(
      rewriter, loc, ArrayRef<int64_t>{batch, taps, pixels},
      outType.getElementType());
  auto im2col = linalg::GenericOp::create(
      rewriter, loc, columnsInit.getType(), ValueRange{},
      ValueRange{columnsInit},
      SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(3, ctx)},
      SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location loc, ValueRange) {
        auto constant = [&](int64_t v) {
          return arith::ConstantIndexOp::create(b, loc, v);
        };
        auto div = [&](Value x, int64_t d) {
          return arith::DivUIOp::create(b, loc, x, constant(d));
        };
        auto rem = [&](Value x, int64_t d) {
          return arith::RemUIOp::create(b, loc, x, constant(d));
        };
        // coordinate = out * stride + tap * dilation
        auto coordinate = [&](Value out, int64_t stride, Value tap,
                              int64_t dilation) {
          return arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, out, constant(stride)),
              arith::MulIOp::create(b, loc, tap, constant(dilation)));
        };
        Value n = linalg::IndexOp::create(b, loc, 0);
        Value k = linalg::IndexOp::create(b, loc, 1);
        Value p = linalg::IndexOp::create(b, loc, 2);
        Value c = div(k, kh * kw);
        Value tap = rem(k, kh * kw);
        Value h =
            coordinate(div(p, outW), strides[0], div(tap, kw), dilations[0]);
        Value w =
            coordinate(rem(p, outW), strides[1], rem(tap, kw), dilations[1]);
        Value v =
            tensor::ExtractOp::create(b, loc, input, ValueRange{n, c, h, w});
        linalg::YieldOp::create(b, loc, v);
      });

  Value filter2d = tensor::CollapseShapeOp::create(
      rewriter, loc, filter, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  Value out3d = tensor::CollapseShapeOp::create(
      rewriter, loc, init, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  AffineExpr n, f, p, k;
  bindDims(ctx, n, f, p, k);
  auto contraction = linalg::GenericOp::create(
      rewriter, loc, out3d.getType(), ValueRange{filter2d, im2col.getResult(0)},
      ValueRange{out3d},
      SmallVector<AffineMap>{AffineMap::get(4, 0, {f, k}, ctx),
                             AffineMap::get(4, 0, {n, k, p}, ctx),
                             AffineMap::get(4, 0, {n, f, p}, ctx)},
      SmallVector<utils::IteratorType>{
          utils::IteratorType::parallel, utils::IteratorType::parallel,
          utils::IteratorType::parallel, utils::IteratorType::reduction},
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
        linalg::YieldOp::create(
            b, loc,
            arith::AddFOp::create(b, loc, args[2], product).getResult());
      });
  rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
      conv, outType, contraction.getResult(0),
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  return success();
}

bool isF32(Operation *op) {
  return op->getNumResults() == 1 &&
         getElementTypeOrSelf(op->getResult(0).getType()).isF32();
}

struct KilnConvToIm2colPass
    : kiln::impl::KilnConvToIm2colBase<KilnConvToIm2colPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation().walk(
        [&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
    SmallVector<linalg::DepthwiseConv2DNchwChwOp> depthwise;
    getOperation().walk([&](linalg::DepthwiseConv2DNchwChwOp conv) {
      depthwise.push_back(conv);
    });
    for (linalg::DepthwiseConv2DNchwChwOp conv : depthwise)
      (void)kiln::unrollDepthwise(rewriter, conv);
    // A grouped convolution it cannot rewrite (dynamic beyond its batch, or
    // too few filters per group and a filter that is not a constant) stays a
    // direct one.
    SmallVector<linalg::Conv2DNgchwGfchwOp> grouped;
    getOperation().walk(
        [&](linalg::Conv2DNgchwGfchwOp conv) { grouped.push_back(conv); });
    for (linalg::Conv2DNgchwGfchwOp conv : grouped)
      (void)kiln::rewriteAsWindowContraction(rewriter, conv, vectorWidth);
    SmallVector<linalg::LinalgOp> pools;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op))
        pools.push_back(op);
    });
    for (linalg::LinalgOp pool : pools)
      (void)kiln::unrollPooling(rewriter, pool);
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      if (succeeded(
              kiln::rewriteAsWindowContraction(rewriter, conv, vectorWidth)))
        continue;
      if (succeeded(rewriteWithIndexedIm2col(rewriter, conv)))
        continue;
      if (cast<ShapedType>(conv.getInputs()[0].getType()).isDynamicDim(0)) {
        FailureOr<linalg::Conv2DNchwFchwOp> tiled = tileBatch(rewriter, conv);
        if (failed(tiled))
          continue;
        conv = *tiled;
      }
      rewriter.setInsertionPoint(conv);
      // On success this replaces (and erases) the convolution itself; a
      // convolution it cannot rewrite stays a (slower) direct one.
      FailureOr<std::pair<Operation *, Operation *>> rewritten =
          linalg::rewriteInIm2Col(rewriter, conv);
      if (failed(rewritten) || !isF32(rewritten->first))
        continue;
      for (Operation *user : rewritten->first->getUsers())
        if (auto contraction = dyn_cast<linalg::GenericOp>(user)) {
          vectorizeAlongFilters(rewriter, contraction, vectorWidth);
          break;
        }
    }
  }
};

} // namespace
