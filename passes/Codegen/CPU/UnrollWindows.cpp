//===- UnrollWindows.cpp - window ops as elementwise ops ------------------===//
#include "passes/Codegen/CPU/UnrollWindows.h"
#include "passes/Codegen/CPU/TilingUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

/// Window taps up to which a window op is unrolled.
static constexpr int64_t kMaxTaps = 49;

namespace {

/// A window op's shape: input [N, C, H, W] read through a kh x kw window
/// with strides and dilations into output [N, C, OH, OW].
struct Window {
  Value input, init;
  RankedTensorType outType;
  int64_t kh, kw;
  SmallVector<int64_t> strides, dilations;
  /// The value the init was filled with, when it was: the op then starts
  /// from it and writes into an empty tensor, so the init is never filled.
  Value start = {};
};

FailureOr<Window> getWindow(linalg::LinalgOp op, int64_t kh, int64_t kw,
                            DenseIntElementsAttr strides,
                            DenseIntElementsAttr dilations) {
  Window window{op.getDpsInputs()[0],
                op.getDpsInits()[0],
                cast<RankedTensorType>(op.getDpsInits()[0].getType()),
                kh,
                kw,
                llvm::to_vector(strides.getValues<int64_t>()),
                llvm::to_vector(dilations.getValues<int64_t>())};
  // The batch may be dynamic: every tap's view spans it whole.
  auto staticButBatch = [](Value value) {
    return llvm::none_of(
        cast<RankedTensorType>(value.getType()).getShape().drop_front(),
        ShapedType::isDynamic);
  };
  if (!staticButBatch(window.input) || !staticButBatch(window.init) ||
      !window.outType.getElementType().isF32() || kh * kw > kMaxTaps)
    return failure();
  if (auto fill = window.init.getDefiningOp<linalg::FillOp>())
    window.start = fill.getInputs()[0];
  return window;
}

/// The view of the input that tap (i, j) reads for the whole output.
Value tapView(RewriterBase &rewriter, Location loc, const Window &w, int64_t i,
              int64_t j) {
  MLIRContext *ctx = rewriter.getContext();
  return tensor::ExtractSliceOp::create(
      rewriter, loc, w.outType, w.input,
      getAsIndexOpFoldResult(
          ctx, ArrayRef<int64_t>{0, 0, i * w.dilations[0], j * w.dilations[1]}),
      tensor::getMixedSizes(rewriter, loc, w.init),
      getAsIndexOpFoldResult(
          ctx, ArrayRef<int64_t>{1, 1, w.strides[0], w.strides[1]}));
}

/// An elementwise generic over the output computing `body` from the
/// `operands` (read through `maps`) and the value to accumulate onto (the
/// last argument: the init's value, or the value it was filled with).
Value elementwiseOverOutput(
    RewriterBase &rewriter, Location loc, const Window &w, ValueRange operands,
    ArrayRef<AffineMap> maps,
    function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(
      AffineMap::getMultiDimIdentityMap(4, rewriter.getContext()));
  Value init = w.init;
  if (w.start)
    init = tensor::EmptyOp::create(rewriter, loc,
                                   tensor::getMixedSizes(rewriter, loc, w.init),
                                   w.outType.getElementType());
  return linalg::GenericOp::create(
             rewriter, loc, w.outType, operands, ValueRange{init}, allMaps,
             SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               SmallVector<Value> withStart(args);
               if (w.start)
                 withStart.back() = w.start;
               body(b, loc, withStart);
             })
      ->getResult(0);
}

} // namespace

LogicalResult kiln::unrollDepthwise(RewriterBase &rewriter,
                                    linalg::DepthwiseConv2DNchwChwOp conv) {
  Value filter = conv.getInputs()[1];
  auto filterType = cast<RankedTensorType>(filter.getType());
  if (!filterType.hasStaticShape())
    return failure();
  int64_t channels = filterType.getDimSize(0);
  FailureOr<Window> window =
      getWindow(conv, filterType.getDimSize(1), filterType.getDimSize(2),
                conv.getStrides(), conv.getDilations());
  if (failed(window))
    return failure();

  Location loc = conv.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  rewriter.setInsertionPoint(conv);
  // Per tap: the input view and the tap's filter column w[:, i, j], taken
  // from the filter laid out [kh, kw, C] (folded when it is a constant), so
  // that each column is contiguous for kernels vectorized along channels.
  Value columns = kiln::permute(rewriter, loc, filter, {1, 2, 0});
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  AffineMap identity = AffineMap::getMultiDimIdentityMap(4, ctx);
  AffineMap perChannel = AffineMap::get(4, 0, {getAffineDimExpr(1, ctx)}, ctx);
  auto column = RankedTensorType::get({channels}, filterType.getElementType());
  for (int64_t i = 0; i < window->kh; ++i)
    for (int64_t j = 0; j < window->kw; ++j) {
      operands.push_back(tapView(rewriter, loc, *window, i, j));
      operands.push_back(tensor::ExtractSliceOp::create(
          rewriter, loc, column, columns,
          getAsIndexOpFoldResult(ctx, ArrayRef<int64_t>{i, j, 0}),
          getAsIndexOpFoldResult(ctx, ArrayRef<int64_t>{1, 1, channels}),
          getAsIndexOpFoldResult(ctx, ArrayRef<int64_t>{1, 1, 1})));
      maps.append({identity, perChannel});
    }
  Value result = elementwiseOverOutput(
      rewriter, loc, *window, operands, maps,
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value sum = args.back();
        for (size_t t = 0; t + 1 < args.size(); t += 2)
          sum = arith::AddFOp::create(
              b, loc, sum, arith::MulFOp::create(b, loc, args[t], args[t + 1]));
        linalg::YieldOp::create(b, loc, sum);
      });
  rewriter.replaceOp(conv, result);
  return success();
}

LogicalResult kiln::unrollPooling(RewriterBase &rewriter,
                                  linalg::LinalgOp pool) {
  bool isMax = isa<linalg::PoolingNchwMaxOp>(pool);
  if (!isMax && !isa<linalg::PoolingNchwSumOp>(pool))
    return failure();
  auto windowType =
      dyn_cast<RankedTensorType>(pool.getDpsInputs()[1].getType());
  if (!windowType || !windowType.hasStaticShape())
    return failure();
  auto strides = pool->getAttrOfType<DenseIntElementsAttr>("strides");
  auto dilations = pool->getAttrOfType<DenseIntElementsAttr>("dilations");
  if (!strides || !dilations)
    return failure();
  FailureOr<Window> window =
      getWindow(pool, windowType.getDimSize(0), windowType.getDimSize(1),
                strides, dilations);
  if (failed(window))
    return failure();

  Location loc = pool.getLoc();
  rewriter.setInsertionPoint(pool);
  SmallVector<Value> views;
  for (int64_t i = 0; i < window->kh; ++i)
    for (int64_t j = 0; j < window->kw; ++j)
      views.push_back(tapView(rewriter, loc, *window, i, j));
  SmallVector<AffineMap> maps(views.size(), AffineMap::getMultiDimIdentityMap(
                                                4, rewriter.getContext()));
  Value result = elementwiseOverOutput(
      rewriter, loc, *window, views, maps,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value acc = args.back();
        for (Value v : args.drop_back())
          acc = isMax ? arith::MaximumFOp::create(b, loc, acc, v).getResult()
                      : arith::AddFOp::create(b, loc, acc, v).getResult();
        linalg::YieldOp::create(b, loc, acc);
      });
  rewriter.replaceOp(pool, result);
  return success();
}
