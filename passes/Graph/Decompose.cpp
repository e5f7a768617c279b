//===- Decompose.cpp - kiln-decompose -------------------------------------===//
//
// Composite ops are written with primitive kiln ops here, once, so that the
// lowering and the fusion passes only need to know the primitives.
//
//===----------------------------------------------------------------------===//
#include "dialects/Kiln/KilnOps.h"
#include "dialects/Kiln/ShapeInference.h"
#include "passes/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNDECOMPOSE
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

Value scalar(PatternRewriter &rewriter, Location loc, Type element,
             double value) {
  auto type = RankedTensorType::get({}, element);
  Attribute attr = isa<FloatType>(element)
                       ? (Attribute)rewriter.getFloatAttr(element, value)
                       : rewriter.getIntegerAttr(element, (int64_t)value);
  return ConstantOp::create(rewriter, loc, type,
                            DenseElementsAttr::get(type, attr));
}

/// alpha * op(A) op(B) + beta * C.
struct DecomposeGemm : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GemmOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = op.getA(), b = op.getB();
    SmallVector<int64_t> swap = {1, 0};
    if (op.getTransA())
      a = TransposeOp::create(rewriter, loc, a, swap);
    if (op.getTransB())
      b = TransposeOp::create(rewriter, loc, b, swap);
    Value result = MatmulOp::create(rewriter, loc, a, b);
    // Integer gemms scale too: the verifier has checked that alpha and beta
    // are whole numbers for them.
    Type element = op.getType().getElementType();
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    if (alpha != 1.0)
      result = MulOp::create(rewriter, loc, result,
                             scalar(rewriter, loc, element, alpha));
    if (Value c = op.getC(); c && beta != 0.0) {
      if (beta != 1.0)
        c = MulOp::create(rewriter, loc, c,
                          scalar(rewriter, loc, element, beta));
      result = AddOp::create(rewriter, loc, result, c);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Reshapes a per-channel vector [C] to [C, 1, ..., 1] so that it
/// broadcasts over dimension 1 of a rank-`rank` tensor.
Value perChannel(PatternRewriter &rewriter, Location loc, Value v,
                 int64_t rank) {
  SmallVector<int64_t> axes;
  for (int64_t d = 1; d < rank - 1; ++d)
    axes.push_back(d);
  if (axes.empty())
    return v;
  return UnsqueezeOp::create(rewriter, loc, v, axes);
}

/// y = x * (scale / sqrt(var + eps)) + (bias - mean * scale / sqrt(var + eps)).
struct DecomposeBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = op.getType().getElementType();
    int64_t rank = op.getType().getRank();
    Value eps =
        scalar(rewriter, loc, element, op.getEpsilon().convertToDouble());
    Value invStd = RsqrtOp::create(
        rewriter, loc, AddOp::create(rewriter, loc, op.getVariance(), eps));
    Value factor = MulOp::create(rewriter, loc, op.getScale(), invStd);
    Value shift =
        SubOp::create(rewriter, loc, op.getBias(),
                      MulOp::create(rewriter, loc, op.getMean(), factor));
    Value scaled = MulOp::create(rewriter, loc, op.getInput(),
                                 perChannel(rewriter, loc, factor, rank));
    rewriter.replaceOpWithNewOp<AddOp>(op, scaled,
                                       perChannel(rewriter, loc, shift, rank));
    return success();
  }
};

SmallVector<int64_t> trailingAxes(int64_t from, int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(from, rank));
}

/// (x - mean) * rsqrt(mean((x - mean)^2) + eps) * scale + bias.
struct DecomposeLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = op.getType().getElementType();
    int64_t rank = op.getType().getRank();
    SmallVector<int64_t> axes =
        trailingAxes(*normalizeAxis((int64_t)op.getAxis(), rank), rank);
    Value x = op.getInput();
    Value mean = ReduceMeanOp::create(rewriter, loc, x, axes, true);
    Value centered = SubOp::create(rewriter, loc, x, mean);
    Value variance = ReduceMeanOp::create(
        rewriter, loc, MulOp::create(rewriter, loc, centered, centered), axes,
        true);
    Value eps =
        scalar(rewriter, loc, element, op.getEpsilon().convertToDouble());
    Value normalized = MulOp::create(
        rewriter, loc, centered,
        RsqrtOp::create(rewriter, loc,
                        AddOp::create(rewriter, loc, variance, eps)));
    Value result = MulOp::create(rewriter, loc, normalized, op.getScale());
    if (Value bias = op.getBias())
      result = AddOp::create(rewriter, loc, result, bias);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// softmax: e * (1 / sum(e)) with e = exp(x - max(x)); log-softmax:
/// (x - max) - log(sum(e)).
template <typename OpTy, bool isLog>
struct DecomposeSoftmax : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<int64_t> axes = {(int64_t)op.getAxis()};
    Value x = op.getInput();
    Value shifted = SubOp::create(
        rewriter, loc, x, ReduceMaxOp::create(rewriter, loc, x, axes, true));
    Value e = ExpOp::create(rewriter, loc, shifted);
    Value sum = ReduceSumOp::create(rewriter, loc, e, axes, true);
    if (isLog)
      rewriter.replaceOpWithNewOp<SubOp>(op, shifted,
                                         LogOp::create(rewriter, loc, sum));
    else // One division per row, then multiplies (as PyTorch does).
      rewriter.replaceOpWithNewOp<MulOp>(
          op, e, ReciprocalOp::create(rewriter, loc, sum));
    return success();
  }
};

template <typename OpTy, typename ReduceTy>
struct DecomposeGlobalPool : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    int64_t rank = op.getInput().getType().getRank();
    rewriter.replaceOpWithNewOp<ReduceTy>(op, op.getInput(),
                                          trailingAxes(2, rank), true);
    return success();
  }
};

struct KilnDecomposePass : kiln::impl::KilnDecomposeBase<KilnDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeGemm, DecomposeBatchNorm, DecomposeLayerNorm,
                 DecomposeSoftmax<SoftmaxOp, false>,
                 DecomposeSoftmax<LogSoftmaxOp, true>,
                 DecomposeGlobalPool<GlobalAvgPoolOp, ReduceMeanOp>,
                 DecomposeGlobalPool<GlobalMaxPoolOp, ReduceMaxOp>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
