//===- Fuse.cpp - kiln-fuse: group tensor ops into kernels ----------------===//
//
// Forms `kiln_kernel.dispatch` regions on linalg-on-tensors IR. The groups
// are grown in program order:
//  - a contraction or convolution (an anchor) starts a kernel; pure copies
//    that only feed it (im2col, transposes) join as its prologue, and
//    elementwise consumers of its result join as its epilogue (bias,
//    activation, residual add, scaling);
//  - a reduction joins the kernel of its elementwise or reduction producer
//    and elementwise ops join the kernel of their producer, so softmax,
//    layer-norm and GELU each become one kernel;
//  - a kernel computes one result: a value used outside the kernel ends it,
//    so no fusion recomputes work or materializes a value twice.
// With `explain`, every decision not to fuse is reported as a remark.
// Whether attention becomes one kernel is the cost model's decision: the
// fused kernel's predicted latency against the three kernels' (with the
// heuristic, a rule on the number of columns).
//
//===----------------------------------------------------------------------===//
#include "dialects/KilnKernel/KernelExtraction.h"
#include "dialects/KilnKernel/KilnKernel.h"
#include "passes/Kernel/RankSchedules.h"
#include "passes/Kernel/Schedules.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/SetVector.h"

#include <map>

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNFUSE
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Without a cost model, the most columns (elements of the loops its row
/// operand does not depend on) a contraction may have to take in the
/// kernels computing that operand: its level-1 tiles must then span them
/// all.
constexpr int64_t kMaxAbsorbingColumns = 64;

enum class Role { Anchor, Reduction, Elementwise, Copy, Reshape, Other };

Role classify(Operation *op) {
  if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op))
    return Role::Reshape;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics())
    return Role::Other;
  if (linalg::isaConvolutionOpInterface(linalgOp))
    return Role::Anchor;
  if (kiln::isMatmulLike(linalgOp) ||
      succeeded(kiln::matchWindowContraction(linalgOp)))
    return Role::Anchor;
  if (linalgOp.getNumReductionLoops() > 0)
    return Role::Reduction;
  return kiln::isPureCopy(linalgOp) ? Role::Copy : Role::Elementwise;
}

StringRef anchorKind(Operation *op) {
  auto linalgOp = cast<linalg::LinalgOp>(op);
  if (kiln::isMatmulLike(linalgOp))
    return "contraction";
  // Pooling ops are convolutions by interface but have no filter operand
  // worth a contraction schedule.
  if (isa<linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op))
    return "pool";
  return "conv";
}

struct Group {
  SmallVector<Operation *> ops; // In program order.
  Operation *anchor = nullptr;
  bool hasReduction = false;
};

/// Predicted latencies of two ways to compute the same ops.
struct FusionCosts {
  double fused, separate;
};

struct Fuser {
  Fuser(Block &block,
        llvm::function_ref<const kiln::costmodel::CostModel *()> getModel,
        int64_t vectorWidth)
      : block(block), getModel(getModel), vectorWidth(vectorWidth) {}

  Block &block;
  /// Loads the model on first use; null with the heuristic, whose
  /// decisions are rules.
  llvm::function_ref<const kiln::costmodel::CostModel *()> getModel;
  int64_t vectorWidth;
  bool explain = false;
  /// By the fused kernel's ops: placeAll repeats the decisions.
  std::map<std::vector<Operation *>, std::optional<FusionCosts>> costCache;
  /// Producer -> consumer edges that must not be fused (found invalid).
  DenseSet<std::pair<Operation *, Operation *>> banned;
  SmallVector<Group> groups;
  DenseMap<Operation *, unsigned> groupOf;

  Operation *producerIn(Value v) {
    Operation *def = v.getDefiningOp();
    return def && def->getBlock() == &block && groupOf.count(def) ? def
                                                                  : nullptr;
  }

  void remark(Operation *op, const Twine &why) {
    if (explain)
      op->emitRemark(why);
  }

  /// Whether `consumer` may join the group of its producer `producer`;
  /// reports why not when explaining.
  bool mayJoin(Operation *consumer, Role role, Operation *producer) {
    Group &group = groups[groupOf[producer]];
    auto say = [&](const Twine &why) {
      remark(consumer, "not fused with " + producer->getName().getStringRef() +
                           ": " + why);
      return false;
    };
    if (banned.contains({producer, consumer}))
      return say("the producer's result is also used outside the kernel; "
                 "fusing would compute it twice");
    if (role == Role::Anchor)
      return say("a contraction starts its own kernel (its operands would "
                 "be recomputed for every tile)");
    if (role == Role::Other)
      return false;
    if (group.anchor) {
      if (role == Role::Reduction || role == Role::Reshape)
        return say("only elementwise ops join a contraction's epilogue");
      Type anchorType = group.anchor->getResult(0).getType();
      if (consumer->getResult(0).getType() != anchorType)
        return say("its result has a different shape than the "
                   "contraction's, so it cannot be computed per tile");
      auto linalgOp = cast<linalg::LinalgOp>(consumer);
      for (OpOperand *input : linalgOp.getDpsInputOperands())
        if (input->get().getDefiningOp() == producer &&
            !linalgOp.getMatchingIndexingMap(input).isIdentity())
          return say("it reads the contraction's result permuted");
    }
    return true;
  }

  void place(Operation *op) {
    Role role = classify(op);
    // Fills join the kernel that they initialize (createDispatches).
    if (role == Role::Other || isa<linalg::FillOp>(op))
      return;
    // Join the group of the first producer that allows it, preferring
    // the kernel of a contraction.
    std::optional<unsigned> target;
    for (Value operand : op->getOperands()) {
      Operation *producer = producerIn(operand);
      if (!producer || isa<linalg::FillOp>(producer))
        continue;
      if (!mayJoin(op, role, producer))
        continue;
      unsigned candidate = groupOf[producer];
      if (!target || groups[candidate].anchor)
        target = candidate;
    }
    if (!target) {
      target = groups.size();
      groups.emplace_back();
    }
    Group &group = groups[*target];
    group.ops.push_back(op);
    groupOf[op] = *target;
    if (role == Role::Reduction)
      group.hasReduction = true;
    if (role != Role::Anchor)
      return;
    group.anchor = op;
    // Pull in the copies that only feed this anchor (im2col, transposes):
    // copying a tile per iteration is the packing of its operand.
    for (Value input : cast<linalg::LinalgOp>(op).getDpsInputs()) {
      Operation *producer = producerIn(input);
      if (!producer || groups[groupOf[producer]].ops.size() != 1)
        continue;
      if (classify(producer) != Role::Copy) {
        if (classify(producer) == Role::Elementwise)
          remark(op, "producer " + producer->getName().getStringRef() +
                         " not fused into the contraction: it computes, "
                         "and would be recomputed for every tile");
        continue;
      }
      if (!llvm::all_of(producer->getUsers(),
                        [&](Operation *user) { return user == op; }))
        continue;
      groups[groupOf[producer]].ops.clear();
      groupOf[producer] = *target;
      group.ops.insert(group.ops.begin(), producer);
    }
    absorbReductionOfContraction(op, *target);
  }

  /// A contraction with few columns whose operand comes from a reduction
  /// kernel (softmax) over another contraction's result takes both kernels
  /// in: attention's scores and probabilities are then made one tile of
  /// rows at a time and stay in cache, where as kernels of their own each
  /// made a round trip through memory. The tiles span all the columns
  /// (loopsKeptWhole), so nothing is computed twice.
  void absorbReductionOfContraction(Operation *op, unsigned target) {
    auto consumer = cast<linalg::LinalgOp>(op);
    if (!kiln::isMatmulLike(consumer))
      return;
    for (OpOperand *input : consumer.getDpsInputOperands()) {
      Operation *reductionTail = producerIn(input->get());
      if (!reductionTail || groupOf[reductionTail] == target)
        continue;
      unsigned r = groupOf[reductionTail];
      Group &reduction = groups[r];
      if (reduction.anchor || !reduction.hasReduction ||
          reduction.ops.back() != reductionTail)
        continue;
      std::optional<unsigned> scores;
      for (Operation *member : reduction.ops)
        for (Value operand : member->getOperands())
          if (Operation *def = producerIn(operand)) {
            Operation *anchor = groups[groupOf[def]].anchor;
            if (groupOf[def] != r && anchor &&
                kiln::isMatmulLike(cast<linalg::LinalgOp>(anchor)))
              scores = groupOf[def];
          }
      if (!scores)
        continue;
      AffineMap map = consumer.getMatchingIndexingMap(input);
      SmallVector<int64_t> ranges = consumer.getStaticLoopRanges();
      int64_t columns = 1;
      for (auto [loop, range] : llvm::enumerate(ranges))
        if (!map.isFunctionOfDim(loop))
          columns =
              ShapedType::isDynamic(range) || ShapedType::isDynamic(columns)
                  ? ShapedType::kDynamic
                  : columns * range;
      if (ShapedType::isDynamic(columns) ||
          (!getModel() && columns > kMaxAbsorbingColumns)) {
        remark(op,
               "not fused with the reduction kernel computing its "
               "operand: its " +
                   (ShapedType::isDynamic(columns) ? std::string("dynamic")
                                                   : std::to_string(columns)) +
                   " columns (more than " +
                   std::to_string(kMaxAbsorbingColumns) +
                   ") would be tiled, and each tile would compute that "
                   "kernel again");
        continue;
      }
      // Both kernels' values must be used only by them and by `op`.
      auto inside = [&](Operation *user) {
        return user == op || (groupOf.count(user) &&
                              (groupOf[user] == r || groupOf[user] == *scores));
      };
      if (banned.contains({reductionTail, op}) ||
          llvm::any_of(
              llvm::concat<Operation *>(groups[*scores].ops, reduction.ops),
              [&](Operation *member) {
                return !llvm::all_of(member->getUsers(), inside);
              }))
        continue;
      if (getModel() && !attentionFusionPays(op, columns, groups[*scores],
                                             reduction, groups[target]))
        continue;
      Group &group = groups[target];
      for (unsigned from : {*scores, r}) {
        for (Operation *member : groups[from].ops) {
          groupOf[member] = target;
          group.ops.push_back(member);
        }
        groups[from].ops.clear();
        groups[from].anchor = nullptr;
      }
      llvm::sort(group.ops, [](Operation *a, Operation *b) {
        return a->isBeforeInBlock(b);
      });
      group.hasReduction = true;
      return;
    }
  }

  /// The predicted latency of `ops` as one kernel of `kind` under its best
  /// schedule.
  std::optional<double> predict(ArrayRef<Operation *> ops, StringRef kind) {
    // A kernel that cannot be formed alone is not a candidate.
    ScopedDiagnosticHandler silence(block.getParentOp()->getContext(),
                                    [](Diagnostic &) { return success(); });
    OwningOpRef<ModuleOp> kernel = kiln_kernel::formKernel(ops, kind);
    if (!kernel)
      return std::nullopt;
    kiln_kernel::DispatchOp dispatch;
    kernel->walk([&](kiln_kernel::DispatchOp op) { dispatch = op; });
    return kiln::predictBestLatency(dispatch, vectorWidth, *getModel());
  }

  StringRef kindOf(const Group &group) {
    return group.anchor         ? anchorKind(group.anchor)
           : group.hasReduction ? StringRef("reduction")
                                : StringRef("elementwise");
  }

  /// Whether attention's scores, softmax and output, as one kernel, are
  /// predicted faster than as three; says so with both predictions. Where
  /// a kernel cannot be costed, the rule without a cost model decides.
  bool attentionFusionPays(Operation *op, int64_t columns, const Group &scores,
                           const Group &softmax, const Group &output) {
    std::vector<Operation *> fused;
    for (const Group *group : {&scores, &softmax, &output})
      fused.insert(fused.end(), group->ops.begin(), group->ops.end());
    llvm::sort(fused, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    auto [entry, isNew] = costCache.try_emplace(fused);
    if (isNew) {
      std::optional<double> one = predict(fused, "contraction");
      std::optional<double> separate = 0.0;
      for (const Group *group : {&scores, &softmax, &output}) {
        std::optional<double> part = predict(group->ops, kindOf(*group));
        separate =
            part && separate ? std::optional(*separate + *part) : std::nullopt;
      }
      if (one && separate)
        entry->second = FusionCosts{*one, *separate};
    }
    const std::optional<FusionCosts> &costs = entry->second;
    if (!costs)
      return columns <= kMaxAbsorbingColumns;
    std::string predicted =
        "predicted " + kiln::formatLatency(costs->fused) + " as one kernel, " +
        kiln::formatLatency(costs->separate) + " as three (" +
        kiln::costmodel::stringifyCostModelKind(getModel()->getKind()).str() +
        " model)";
    bool pays = costs->fused < costs->separate;
    remark(op, (pays ? "fused with the reduction kernel computing its "
                       "operand and the contraction computing the scores: "
                     : "not fused with the reduction kernel computing its "
                       "operand: ") +
                   predicted);
    return pays;
  }

  /// Finds a value computed inside a group but used outside it other than
  /// by the group's last op, and bans the fusions that consumed it.
  bool banInvalidEdges() {
    bool changed = false;
    for (Group &group : groups) {
      if (group.ops.size() < 2)
        continue;
      Operation *tail = group.ops.back();
      for (Operation *op : group.ops) {
        bool escapes =
            op != tail && llvm::any_of(op->getUsers(), [&](Operation *user) {
              return !groupOf.count(user) || groupOf[user] != groupOf[op];
            });
        // A reshape cannot end a kernel: its result is a view.
        bool reshapeTail = op == tail && classify(op) == Role::Reshape;
        if (!escapes && !reshapeTail)
          continue;
        // Cut the op off from its consumers in the group; if it has none
        // (or is a reshape ending the group), from its producers.
        bool cut = false;
        if (!reshapeTail)
          for (Operation *member : group.ops)
            if (llvm::any_of(member->getOperands(),
                             [&](Value v) { return v.getDefiningOp() == op; }))
              cut |= banned.insert({op, member}).second;
        if (!cut)
          for (Value operand : op->getOperands())
            if (Operation *def = operand.getDefiningOp())
              cut |= banned.insert({def, op}).second;
        changed |= cut;
      }
    }
    return changed;
  }

  void placeAll() {
    groups.clear();
    groupOf.clear();
    for (Operation &op : block)
      place(&op);
  }

  /// Groups the block's ops until no group has a value escaping it, then
  /// once more reporting the decisions (the banned edges are settled).
  void formGroups(bool explainDecisions) {
    explain = false;
    do
      placeAll();
    while (banInvalidEdges());
    explain = explainDecisions;
    placeAll();
  }

  /// Moves each group (with the fills that only initialize it) into a
  /// dispatch placed where its last op was.
  void createDispatches(OpBuilder &builder) {
    for (Group &group : groups) {
      if (group.ops.empty() || classify(group.ops.back()) == Role::Reshape)
        continue;
      llvm::SetVector<Operation *> members(group.ops.begin(), group.ops.end());
      for (Operation *op : group.ops)
        for (Value operand : op->getOperands())
          if (auto fill = operand.getDefiningOp<linalg::FillOp>())
            if (llvm::all_of(fill->getUsers(), [&](Operation *user) {
                  return members.contains(user);
                }))
              members.insert(fill);
      SmallVector<Operation *> ordered(members.begin(), members.end());
      llvm::sort(ordered, [](Operation *a, Operation *b) {
        return a->isBeforeInBlock(b);
      });
      Operation *tail = ordered.back();
      builder.setInsertionPoint(tail);
      StringRef kind = kindOf(group);
      auto dispatch = kiln_kernel::DispatchOp::create(
          builder, tail->getLoc(), tail->getResultTypes(), kind,
          /*schedule=*/nullptr);
      Block *body = builder.createBlock(&dispatch.getBody());
      for (Operation *op : ordered)
        op->moveBefore(body, body->end());
      builder.setInsertionPointToEnd(body);
      kiln_kernel::YieldOp::create(builder, tail->getLoc(), tail->getResults());
      tail->getResults().replaceUsesWithIf(
          dispatch.getResults(), [&](OpOperand &use) {
            return !dispatch->isAncestor(use.getOwner());
          });
    }
  }
};

struct KilnFusePass : kiln::impl::KilnFuseBase<KilnFusePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Block *> blocks;
    getOperation()->walk([&](func::FuncOp func) {
      if (!func.isExternal())
        blocks.push_back(&func.getBody().front());
    });
    FailureOr<kiln::CostModelChoice> choice = kiln::parseCostModelOptions(
        getOperation(), "kiln-fuse", costModel, targetName);
    if (failed(choice))
      return signalPassFailure();
    // Loaded only when a decision needs it; kiln-select-schedules reports a
    // learned model it cannot use.
    std::optional<std::unique_ptr<kiln::costmodel::CostModel>> model;
    auto getModel = [&]() -> const kiln::costmodel::CostModel * {
      if (!model)
        model = kiln::resolveCostModel(choice->selector, choice->target,
                                       costModelPath)
                    .model;
      return model->get();
    };
    OpBuilder builder(&getContext());
    for (Block *block : blocks) {
      Fuser fuser(*block, getModel, vectorWidth);
      fuser.formGroups(explain);
      fuser.createDispatches(builder);
    }
  }
};

} // namespace
