#ifndef KILN_KERNEL_TD
#define KILN_KERNEL_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def KilnKernel_Dialect : Dialect {
  let name = "kiln_kernel";
  let cppNamespace = "::mlir::kiln_kernel";
  let summary = "Kernels (dispatch regions) and the schedules that compile them";
  let description = [{
    `kiln-fuse` groups tensor-level ops (linalg, tensor) into
    `kiln_kernel.dispatch` regions, each of which becomes one loop nest: a
    matmul or convolution with its epilogue, a reduction with its prologue
    and epilogue (softmax, layer-norm), or a chain of elementwise ops.
    `kiln-select-schedules` writes a `#kiln_kernel.schedule` on every
    dispatch and the CPU codegen (`kiln-tile-and-vectorize`) compiles the
    dispatch as the schedule says.
  }];
  let useDefaultAttributePrinterParser = 1;
}

def KilnKernel_ScheduleAttr : AttrDef<KilnKernel_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "How the CPU codegen compiles one dispatch";
  let description = [{
    The loops are those of the dispatch's root op (the contraction, the
    window contraction of a convolution, the last reduction, or the last
    op): for a matmul `(m, n, k)`, for a convolution computed along its
    filters `(n, oh, ow, f, kh, kw, c)`.

    - `strategy`: `contraction`, `conv`, `reduction`, `elementwise` or
      `generic`.
    - `tiles`: level-1 tile size per loop (0: not tiled). Parallel loops
      tiled here form one `scf.forall`, whose iterations run on threads when
      `threads` is set; the dispatch's other ops are fused into its body.
      Reduction loops tiled here become an `scf.for` inside (cache blocking
      of k).
    - `vector`: register tile per loop, vectorized (0: the whole level-1
      tile). For a contraction `[mr, nr, 1]` is an `mr x nr` accumulator
      held in registers over the k loop; for a conv, `mr` output pixels x
      `nr` filters held over the channel and window loops. A register
      tile need not divide its level-1 tile: the last one along a loop is a
      remainder tile, peeled (a 23-pixel row with `mr = 8`: 8, 8 and 7).
    - `pack`: (matmul) copy each k block of the operands into register
      panels (data tiling) before the register tile runs over them.
    - `threads`: run the level-1 tiles on the runtime's threads.

    Example: `#kiln_kernel.schedule<contraction, tiles = [64, 128, 256],
    vector = [8, 32, 1], pack, threads>`.
  }];
  let parameters = (ins
    StringRefParameter<"codegen strategy">:$strategy,
    ArrayRefParameter<"int64_t", "level-1 tile sizes">:$tiles,
    ArrayRefParameter<"int64_t", "register tile sizes">:$vector,
    "bool":$pack,
    "bool":$threads
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

class KilnKernel_Op<string mnemonic, list<Trait> traits = []>
    : Op<KilnKernel_Dialect, mnemonic, traits>;

def KilnKernel_DispatchOp : KilnKernel_Op<"dispatch", [
    SingleBlock, RecursiveMemoryEffects]> {
  let summary = "A group of ops compiled as one kernel";
  let description = [{
    The body computes the results (yielded by `kiln_kernel.yield`) from
    values defined above. `kind` names the fused pattern (`matmul`,
    `conv`, `reduction`, `elementwise`, ...); `schedule` is added by
    `kiln-select-schedules`.

    ```mlir
    %0 = kiln_kernel.dispatch "matmul" -> tensor<8x64xf32> {
      %mm = linalg.matmul ins(%a, %b : ...) outs(%init : ...) -> tensor<8x64xf32>
      %y = linalg.generic ... ins(%mm, %bias : ...) // bias + relu epilogue
      kiln_kernel.yield %y : tensor<8x64xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind,
                       OptionalAttr<KilnKernel_ScheduleAttr>:$schedule);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind (`schedule` $schedule^)? (`->` type($results)^)? attr-dict-with-keyword
    $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The op that yields the dispatch's results.
    Operation *getTerminator() { return getBody().front().getTerminator(); }
  }];
}

def KilnKernel_YieldOp : KilnKernel_Op<"yield", [
    Pure, Terminator, ReturnLike, HasParent<"DispatchOp">]> {
  let summary = "Yields the results of a dispatch";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // KILN_KERNEL_TD
