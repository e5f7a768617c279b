//===- Elementwise.cpp - Elementwise kiln ops to linalg.generic -----------===//
//
// Every elementwise op becomes one linalg.generic over the broadcast result;
// the functions below build its scalar body.
//
//===----------------------------------------------------------------------===//
#include "dialects/Kiln/KilnOps.h"
#include "passes/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "passes/Conversion/KilnToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return buildScalarConstant(b, loc, like.getType(), value);
}

/// Emits `floatOp` for float operands and `intOp` for integers.
template <typename FloatOp, typename IntOp>
Value floatOrInt(OpBuilder &b, Location loc, ValueRange args) {
  if (isFloat(args[0]))
    return FloatOp::create(b, loc, args[0], args[1]);
  return IntOp::create(b, loc, args[0], args[1]);
}

Value compare(OpBuilder &b, Location loc, ValueRange args,
              arith::CmpFPredicate fp, arith::CmpIPredicate ip) {
  if (isFloat(args[0]))
    return arith::CmpFOp::create(b, loc, fp, args[0], args[1]);
  // Booleans order false < true; a signed i1 compare would see true as -1.
  if (args[0].getType().isInteger(1))
    switch (ip) {
    case arith::CmpIPredicate::slt:
      ip = arith::CmpIPredicate::ult;
      break;
    case arith::CmpIPredicate::sle:
      ip = arith::CmpIPredicate::ule;
      break;
    case arith::CmpIPredicate::sgt:
      ip = arith::CmpIPredicate::ugt;
      break;
    case arith::CmpIPredicate::sge:
      ip = arith::CmpIPredicate::uge;
      break;
    default:
      break;
    }
  return arith::CmpIOp::create(b, loc, ip, args[0], args[1]);
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value one = constantLike(b, loc, x, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}

Value clamp(OpBuilder &b, Location loc, Value x, std::optional<double> lo,
            std::optional<double> hi) {
  if (lo) {
    Value c = constantLike(b, loc, x, *lo);
    x = isFloat(x) ? (Value)arith::MaximumFOp::create(b, loc, x, c)
                   : (Value)arith::MaxSIOp::create(b, loc, x, c);
  }
  if (hi) {
    Value c = constantLike(b, loc, x, *hi);
    x = isFloat(x) ? (Value)arith::MinimumFOp::create(b, loc, x, c)
                   : (Value)arith::MinSIOp::create(b, loc, x, c);
  }
  return x;
}

/// Python's modulo: the remainder takes the sign of the divisor.
Value pythonMod(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  Value zero = constantLike(b, loc, lhs, 0.0);
  Value rem, remNegative, rhsNegative, remNonZero;
  if (isFloat(lhs)) {
    rem = arith::RemFOp::create(b, loc, lhs, rhs);
    remNegative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, rem, zero);
    rhsNegative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, rhs, zero);
    remNonZero =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, rem, zero);
  } else {
    rem = arith::RemSIOp::create(b, loc, lhs, rhs);
    remNegative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem, zero);
    rhsNegative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rhs, zero);
    remNonZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem, zero);
  }
  Value signsDiffer = arith::XOrIOp::create(b, loc, remNegative, rhsNegative);
  Value adjust = arith::AndIOp::create(b, loc, signsDiffer, remNonZero);
  Value adjusted = isFloat(lhs)
                       ? (Value)arith::AddFOp::create(b, loc, rem, rhs)
                       : (Value)arith::AddIOp::create(b, loc, rem, rhs);
  return arith::SelectOp::create(b, loc, adjust, adjusted, rem);
}

Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  bool fromBool = from.isInteger(1), toBool = to.isInteger(1);
  if (toBool) {
    Value zero = buildScalarConstant(b, loc, from, 0.0);
    return fromFloat
               ? (Value)arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE,
                                              x, zero)
               : (Value)arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                              x, zero);
  }
  if (fromFloat && toFloat) {
    unsigned fromWidth = from.getIntOrFloatBitWidth();
    unsigned toWidth = to.getIntOrFloatBitWidth();
    // Same-width formats (f16 <-> bf16) neither extend nor truncate: go
    // through f32.
    if (fromWidth == toWidth) {
      x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      fromWidth = 32;
    }
    return fromWidth < toWidth ? (Value)arith::ExtFOp::create(b, loc, to, x)
                               : (Value)arith::TruncFOp::create(b, loc, to, x);
  }
  if (fromFloat)
    return arith::FPToSIOp::create(b, loc, to, x);
  if (toFloat)
    return fromBool ? (Value)arith::UIToFPOp::create(b, loc, to, x)
                    : (Value)arith::SIToFPOp::create(b, loc, to, x);
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return fromBool ? (Value)arith::ExtUIOp::create(b, loc, to, x)
                    : (Value)arith::ExtSIOp::create(b, loc, to, x);
  return arith::TruncIOp::create(b, loc, to, x);
}

//===----------------------------------------------------------------------===//
// Scalar bodies, one per op.
//===----------------------------------------------------------------------===//

#define BINARY(OP, FLOAT, INT)                                                 \
  Value scalarBody(OP, OpBuilder &b, Location loc, ValueRange a) {             \
    return floatOrInt<FLOAT, INT>(b, loc, a);                                  \
  }
BINARY(AddOp, arith::AddFOp, arith::AddIOp)
BINARY(SubOp, arith::SubFOp, arith::SubIOp)
BINARY(MulOp, arith::MulFOp, arith::MulIOp)
BINARY(DivOp, arith::DivFOp, arith::DivSIOp)
BINARY(PowOp, math::PowFOp, math::IPowIOp)
BINARY(AndOp, arith::AndIOp, arith::AndIOp)
BINARY(OrOp, arith::OrIOp, arith::OrIOp)
BINARY(XorOp, arith::XOrIOp, arith::XOrIOp)
#undef BINARY

#define COMPARE(OP, FP, IP)                                                    \
  Value scalarBody(OP, OpBuilder &b, Location loc, ValueRange a) {             \
    return compare(b, loc, a, arith::CmpFPredicate::FP,                        \
                   arith::CmpIPredicate::IP);                                  \
  }
COMPARE(EqualOp, OEQ, eq)
COMPARE(NotEqualOp, UNE, ne)
COMPARE(LessOp, OLT, slt)
COMPARE(LessEqualOp, OLE, sle)
COMPARE(GreaterOp, OGT, sgt)
COMPARE(GreaterEqualOp, OGE, sge)
#undef COMPARE

#define FLOAT_UNARY(OP, MATH)                                                  \
  Value scalarBody(OP, OpBuilder &b, Location loc, ValueRange a) {             \
    return MATH::create(b, loc, a[0]);                                         \
  }
FLOAT_UNARY(ExpOp, math::ExpOp)
FLOAT_UNARY(LogOp, math::LogOp)
FLOAT_UNARY(SqrtOp, math::SqrtOp)
FLOAT_UNARY(RsqrtOp, math::RsqrtOp)
FLOAT_UNARY(TanhOp, math::TanhOp)
FLOAT_UNARY(ErfOp, math::ErfOp)
FLOAT_UNARY(FloorOp, math::FloorOp)
FLOAT_UNARY(CeilOp, math::CeilOp)
FLOAT_UNARY(RoundOp, math::RoundEvenOp)
FLOAT_UNARY(SinOp, math::SinOp)
FLOAT_UNARY(CosOp, math::CosOp)
FLOAT_UNARY(AsinOp, math::AsinOp)
FLOAT_UNARY(AcosOp, math::AcosOp)
FLOAT_UNARY(AtanOp, math::AtanOp)
#undef FLOAT_UNARY

// i1 compares unsigned (false < true); as a signed number true is -1.
Value scalarBody(MaxOp, OpBuilder &b, Location loc, ValueRange a) {
  if (a[0].getType().isInteger(1))
    return arith::MaxUIOp::create(b, loc, a[0], a[1]);
  return floatOrInt<arith::MaximumFOp, arith::MaxSIOp>(b, loc, a);
}
Value scalarBody(MinOp, OpBuilder &b, Location loc, ValueRange a) {
  if (a[0].getType().isInteger(1))
    return arith::MinUIOp::create(b, loc, a[0], a[1]);
  return floatOrInt<arith::MinimumFOp, arith::MinSIOp>(b, loc, a);
}
Value scalarBody(ModOp, OpBuilder &b, Location loc, ValueRange a) {
  return pythonMod(b, loc, a[0], a[1]);
}
Value scalarBody(NegOp, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a[0]))
    return arith::NegFOp::create(b, loc, a[0]);
  return arith::SubIOp::create(b, loc, constantLike(b, loc, a[0], 0), a[0]);
}
Value scalarBody(AbsOp, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a[0]))
    return math::AbsFOp::create(b, loc, a[0]);
  // max(x, 0 - x) rather than math.absi, which convert-math-to-llvm cannot
  // lower on the n-D vectors that tiling produces.
  Value negated =
      arith::SubIOp::create(b, loc, constantLike(b, loc, a[0], 0), a[0]);
  return arith::MaxSIOp::create(b, loc, a[0], negated);
}
Value scalarBody(SignOp, OpBuilder &b, Location loc, ValueRange a) {
  Value zero = constantLike(b, loc, a[0], 0),
        one = constantLike(b, loc, a[0], 1),
        minusOne = constantLike(b, loc, a[0], -1);
  Value positive = compare(b, loc, {a[0], zero}, arith::CmpFPredicate::OGT,
                           arith::CmpIPredicate::sgt);
  Value negative = compare(b, loc, {a[0], zero}, arith::CmpFPredicate::OLT,
                           arith::CmpIPredicate::slt);
  Value sign = arith::SelectOp::create(
      b, loc, positive, one,
      arith::SelectOp::create(b, loc, negative, minusOne, zero));
  if (!isFloat(a[0]))
    return sign;
  // NaN stays NaN, as in NumPy.
  Value isNan =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a[0], a[0]);
  return arith::SelectOp::create(b, loc, isNan, a[0], sign);
}
Value scalarBody(ReluOp, OpBuilder &b, Location loc, ValueRange a) {
  return clamp(b, loc, a[0], 0.0, std::nullopt);
}
Value scalarBody(NotOp, OpBuilder &b, Location loc, ValueRange a) {
  Value one = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  return arith::XOrIOp::create(b, loc, a[0], one);
}
Value scalarBody(ReciprocalOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::DivFOp::create(b, loc, constantLike(b, loc, a[0], 1), a[0]);
}
Value scalarBody(SigmoidOp, OpBuilder &b, Location loc, ValueRange a) {
  return sigmoid(b, loc, a[0]);
}
Value scalarBody(SiluOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::MulFOp::create(b, loc, a[0], sigmoid(b, loc, a[0]));
}
Value scalarBody(SoftplusOp, OpBuilder &b, Location loc, ValueRange a) {
  // max(x, 0) + log1p(exp(-|x|)) does not overflow for large |x|.
  Value x = a[0];
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value tail =
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(b, loc, clamp(b, loc, x, 0.0, std::nullopt),
                               tail);
}
Value scalarBody(HardSwishOp, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  Value t = arith::AddFOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, x, constantLike(b, loc, x, 1.0 / 6)),
      constantLike(b, loc, x, 0.5));
  return arith::MulFOp::create(b, loc, x, clamp(b, loc, t, 0.0, 1.0));
}
Value scalarBody(GeluOp op, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  Value half = constantLike(b, loc, x, 0.5), one = constantLike(b, loc, x, 1);
  Value inner;
  if (op.getApproximate() == "tanh") {
    Value cube =
        arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x,
        arith::MulFOp::create(b, loc, cube, constantLike(b, loc, x, 0.044715)));
    inner = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, poly,
                              constantLike(b, loc, x, 0.7978845608028654)));
  } else {
    inner = math::ErfOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, x,
                              constantLike(b, loc, x, 0.7071067811865476)));
  }
  Value scaled = arith::MulFOp::create(b, loc, half, x);
  return arith::MulFOp::create(b, loc, scaled,
                               arith::AddFOp::create(b, loc, one, inner));
}
Value scalarBody(LeakyReluOp op, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  Value zero = constantLike(b, loc, x, 0);
  Value scaled = arith::MulFOp::create(
      b, loc, x, constantLike(b, loc, x, op.getAlpha().convertToDouble()));
  Value positive =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, zero);
  return arith::SelectOp::create(b, loc, positive, x, scaled);
}
Value scalarBody(EluOp op, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  Value zero = constantLike(b, loc, x, 0);
  Value negative = arith::MulFOp::create(
      b, loc, math::ExpM1Op::create(b, loc, x),
      constantLike(b, loc, x, op.getAlpha().convertToDouble()));
  Value positive =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
  return arith::SelectOp::create(b, loc, positive, x, negative);
}
Value scalarBody(HardSigmoidOp op, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  Value t = arith::AddFOp::create(
      b, loc,
      arith::MulFOp::create(
          b, loc, x, constantLike(b, loc, x, op.getAlpha().convertToDouble())),
      constantLike(b, loc, x, op.getBeta().convertToDouble()));
  return clamp(b, loc, t, 0.0, 1.0);
}
Value scalarBody(ClipOp op, OpBuilder &b, Location loc, ValueRange a) {
  std::optional<double> lo, hi;
  if (op.getMin())
    lo = op.getMin()->convertToDouble();
  if (op.getMax())
    hi = op.getMax()->convertToDouble();
  return clamp(b, loc, a[0], lo, hi);
}
Value scalarBody(WhereOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
}
Value scalarBody(ExpandOp, OpBuilder &, Location, ValueRange a) { return a[0]; }

/// Lowers any op above to a linalg.generic around its scalar body.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getOperands(), resultType,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return scalarBody(op, b, loc, args);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type to = op.getType().getElementType();
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), adaptor.getInput(),
                             op.getType(),
                             [&](OpBuilder &b, Location loc, ValueRange a) {
                               return castScalar(b, loc, a[0], to);
                             }));
    return success();
  }
};

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

} // namespace

void kiln::populateElementwiseLoweringPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ElementwiseLowering<AddOp>, ElementwiseLowering<SubOp>,
           ElementwiseLowering<MulOp>, ElementwiseLowering<DivOp>,
           ElementwiseLowering<PowOp>, ElementwiseLowering<MaxOp>,
           ElementwiseLowering<MinOp>, ElementwiseLowering<ModOp>,
           ElementwiseLowering<AndOp>, ElementwiseLowering<OrOp>,
           ElementwiseLowering<XorOp>, ElementwiseLowering<EqualOp>,
           ElementwiseLowering<NotEqualOp>, ElementwiseLowering<LessOp>,
           ElementwiseLowering<LessEqualOp>, ElementwiseLowering<GreaterOp>,
           ElementwiseLowering<GreaterEqualOp>, ElementwiseLowering<ExpOp>,
           ElementwiseLowering<LogOp>, ElementwiseLowering<SqrtOp>,
           ElementwiseLowering<RsqrtOp>, ElementwiseLowering<TanhOp>,
           ElementwiseLowering<ErfOp>, ElementwiseLowering<FloorOp>,
           ElementwiseLowering<CeilOp>, ElementwiseLowering<RoundOp>,
           ElementwiseLowering<SinOp>, ElementwiseLowering<CosOp>,
           ElementwiseLowering<AsinOp>, ElementwiseLowering<AcosOp>,
           ElementwiseLowering<AtanOp>, ElementwiseLowering<NegOp>,
           ElementwiseLowering<AbsOp>, ElementwiseLowering<SignOp>,
           ElementwiseLowering<ReluOp>, ElementwiseLowering<NotOp>,
           ElementwiseLowering<ReciprocalOp>, ElementwiseLowering<SigmoidOp>,
           ElementwiseLowering<SiluOp>, ElementwiseLowering<SoftplusOp>,
           ElementwiseLowering<HardSwishOp>, ElementwiseLowering<GeluOp>,
           ElementwiseLowering<LeakyReluOp>, ElementwiseLowering<EluOp>,
           ElementwiseLowering<HardSigmoidOp>, ElementwiseLowering<ClipOp>,
           ElementwiseLowering<WhereOp>, ElementwiseLowering<ExpandOp>,
           CastLowering, ConstantLowering>(patterns.getContext());
}
