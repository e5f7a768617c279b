//===- HoistBuffersToStack.cpp - kiln-hoist-buffers-to-stack --------------===//
//
// Tiled kernels allocate their small intermediates (a row of a layer-norm,
// a register tile's partial sums) inside the tile loops: bufferized, each
// becomes a malloc and a free per iteration. A buffer whose dealloc sits in
// its own block lives for one iteration of every loop around it, so one
// stack buffer per thread serves every iteration: it is allocated at the
// start of the omp.parallel region around it (which each thread runs once)
// or of the function.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_KILNHOISTBUFFERSTOSTACK
#include "passes/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// The block a buffer allocated by `op` is hoisted to: the entry of the
/// omp.parallel region around it (which each thread runs once) or of the
/// function. Null when a parallel loop not yet turned into OpenMP is in the
/// way: its iterations would share the buffer. Loops and the alloca_scopes
/// that convert-scf-to-openmp wraps loop bodies in are looked through.
Block *stackScope(Operation *op) {
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (isa<scf::ForallOp, scf::ParallelOp>(parent))
      return nullptr;
    if (isa<omp::ParallelOp, FunctionOpInterface>(parent))
      return &parent->getRegion(0).front();
  }
  return nullptr;
}

/// The dealloc of `alloc` if it is its only one and in the same block:
/// the buffer then dies in the iteration that made it.
memref::DeallocOp deallocInSameBlock(memref::AllocOp alloc) {
  memref::DeallocOp found;
  for (Operation *user : alloc->getUsers()) {
    auto dealloc = dyn_cast<memref::DeallocOp>(user);
    if (!dealloc)
      continue;
    if (found || dealloc->getBlock() != alloc->getBlock())
      return {};
    found = dealloc;
  }
  return found;
}

struct KilnHoistBuffersToStackPass
    : kiln::impl::KilnHoistBuffersToStackBase<KilnHoistBuffersToStackPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk(
        [&](memref::AllocOp alloc) { allocs.push_back(alloc); });
    llvm::DenseMap<Block *, int64_t> scopeBytes;
    for (memref::AllocOp alloc : allocs) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
          !type.getElementType().isIntOrFloat())
        continue;
      int64_t bytes = type.getNumElements() *
                      llvm::divideCeil(type.getElementTypeBitWidth(), 8);
      memref::DeallocOp dealloc = deallocInSameBlock(alloc);
      Block *scope = stackScope(alloc);
      if (bytes > maxBufferBytes || !dealloc || !scope ||
          scopeBytes[scope] + bytes > maxScopeBytes)
        continue;
      scopeBytes[scope] += bytes;
      OpBuilder builder = OpBuilder::atBlockBegin(scope);
      auto alloca = memref::AllocaOp::create(builder, alloc.getLoc(), type,
                                             alloc.getAlignmentAttr());
      alloc.replaceAllUsesWith(alloca.getResult());
      dealloc.erase();
      alloc.erase();
    }
  }
};

} // namespace
