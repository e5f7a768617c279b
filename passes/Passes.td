#ifndef KILN_PASSES_TD
#define KILN_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnDecompose : Pass<"kiln-decompose"> {
  let summary = "Rewrites composite kiln ops into primitive kiln ops";
  let description = [{
    Expresses gemm, batch-norm, layer-norm, softmax, log-softmax and global
    pooling with primitive kiln ops (matmul, elementwise, reductions), which
    later fusion groups back into single kernels.
  }];
  let dependentDialects = ["::mlir::kiln::KilnDialect"];
}

def ConvertKilnToLinalg : Pass<"convert-kiln-to-linalg"> {
  let summary = "Lowers kiln ops to linalg, tensor, arith and math";
  let description = [{
    Uses named linalg ops where they exist (matmul, batch_matmul,
    conv_2d_nchw_fchw, depthwise and grouped convolutions, pooling,
    transpose, reduce) and `linalg.generic` elsewhere. Every kiln op must be
    converted; an op that cannot be is reported with its location.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect"
  ];
}

def KilnFuseElementwise : Pass<"kiln-fuse-elementwise"> {
  let summary = "Fuses elementwise linalg ops, leaving contractions unreshaped";
  let description = [{
    Upstream elementwise fusion (a producer generic into its single consumer,
    reshapes propagated through elementwise ops), except that reshapes are
    not propagated into or out of contractions and convolutions, which keep
    their named form for kiln-fuse and the contraction schedules.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::affine::AffineDialect"
  ];
}

def KilnFuse : Pass<"kiln-fuse", "::mlir::ModuleOp"> {
  let summary = "Groups linalg-on-tensors ops into kiln_kernel.dispatch kernels";
  let description = [{
    Runs after `convert-kiln-to-linalg`. Forms one `kiln_kernel.dispatch`
    per kernel: a contraction or convolution with the pure copies that feed
    it (im2col, transposes) and its elementwise epilogue (bias, activation,
    residual add, scaling); a reduction with its elementwise prologue and
    epilogue (softmax, layer-norm); a chain of elementwise ops. A value used
    outside its kernel ends the kernel, so no fusion recomputes work.
    Reshapes, pads, constants and other tensor ops stay outside dispatches.
    With `explain`, each decision not to fuse is reported as a remark.

    Whether attention becomes one kernel (a contraction with few columns
    taking in the softmax kernel computing its operand and the contraction
    computing the scores) is decided by the cost model (`cost-model`, as
    for kiln-select-schedules): the predicted latency of the fused kernel
    under its best schedule against the sum of the three kernels'. With
    `cost-model=heuristic` the rule is at most 64 columns. `explain`
    reports both predictions.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Report why ops were not fused, as remarks">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Number of f32 elements per vector (16 for AVX-512, 8 for AVX2)">,
    Option<"costModel", "cost-model", "std::string", /*default=*/"\"default\"",
           "default, learned, analytical or heuristic">,
    Option<"costModelPath", "cost-model-path", "std::string", /*default=*/"\"\"",
           "The learned model's file (default: costmodel/models/<target>.json)">,
    Option<"targetName", "target", "std::string", /*default=*/"\"\"",
           "Target descriptor in costmodel/targets/ (default: the host's)">
  ];
  let dependentDialects = ["::mlir::kiln_kernel::KilnKernelDialect"];
}

def KilnSelectSchedules : Pass<"kiln-select-schedules", "::mlir::ModuleOp"> {
  let summary = "Writes a #kiln_kernel.schedule on every dispatch";
  let description = [{
    Enumerates each dispatch's legal candidate schedules (register tile,
    cache tiles, k blocking, packing and threads for contractions; outer
    tiles and threads otherwise) and picks one with a cost model:

    - `cost-model=learned`: the XGBoost model trained by `kiln-tune` for the
      target (`costmodel/models/<target>.json`, or `cost-model-path`);
    - `cost-model=analytical`: the roofline and register/cache model;
    - `cost-model=heuristic`: the hand-written rules;
    - `cost-model=default`: learned where a model for the target and the
      feature schema is present, else analytical (said once, as a remark).

    A learned model that is missing, corrupt or trained on another schema
    or target is reported as a warning naming the file, and the analytical
    model is used instead. The cost models predict one-core latency; the
    parallel mapping is a rule: candidates whose level-1 tiles cannot keep
    every core of the target busy are dropped when others can.

    A dispatch whose structural hash is in `tuning-db` (written by
    `kiln-compile --tune=N`) gets the schedule recorded there for the
    target. `force=N` takes the N-th candidate of every dispatch,
    `force=#kiln_kernel.schedule<...>` that schedule on every dispatch of
    its strategy (checked against the dispatch's loops); `list-candidates`
    reports every candidate as a remark, `explain` the top candidates with
    their predicted costs, the heuristic's choice and the pick.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Number of f32 elements per vector (16 for AVX-512, 8 for AVX2)">,
    Option<"force", "force", "std::string", /*default=*/"\"\"",
           "Candidate index or schedule attribute to use on every dispatch">,
    Option<"listCandidates", "list-candidates", "bool", /*default=*/"false",
           "Report each dispatch's candidate schedules as a remark">,
    Option<"costModel", "cost-model", "std::string", /*default=*/"\"default\"",
           "default, learned, analytical or heuristic">,
    Option<"costModelPath", "cost-model-path", "std::string", /*default=*/"\"\"",
           "The learned model's file (default: costmodel/models/<target>.json)">,
    Option<"targetName", "target", "std::string", /*default=*/"\"\"",
           "Target descriptor in costmodel/targets/ (default: the host's)">,
    Option<"tuningDatabase", "tuning-db", "std::string", /*default=*/"\"\"",
           "Tuning database of measured picks (kiln-compile --tune)">,
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Report the ranked candidates and the pick of every dispatch">
  ];
  let dependentDialects = ["::mlir::kiln_kernel::KilnKernelDialect"];
}

def KilnReportSlowPaths : Pass<"kiln-report-slow-paths", "::mlir::ModuleOp"> {
  let summary = "Warns about every dispatch left on a slow path, and why";
  let description = [{
    Runs after `kiln-select-schedules`. A dispatch is on a slow path when it
    has no schedule, a contraction with
    dynamic extents compiled as a reduction, a one-element register tile, a
    convolution's register tile of one output pixel or an unvectorized loop
    nest (no register tile size divides its extents),
    or a large contraction without level-1 tiles. Each is a warning naming
    the dispatch's loops and extents; `kiln-compile --kiln-explain` runs
    this pass. With `fail-on-slow-path` any such dispatch fails the pass.
  }];
  let options = [
    Option<"failOnSlowPath", "fail-on-slow-path", "bool", /*default=*/"false",
           "Fail when a dispatch is on a slow path">
  ];
}

def KilnConvToIm2col : Pass<"kiln-conv-to-im2col", "::mlir::func::FuncOp"> {
  let summary = "Rewrites 2-D NCHW convolutions into forms that vectorize";
  let description = [{
    An f32 convolution, static but for its batch, whose filters are a
    multiple of half the vector width becomes a window contraction
    outP[n, oh, ow, fo, fi] += in[n, c, oh*s + kh*d, ow*s + kw*d] *
    panels[fo, kh, kw, c, fi] over filter panels of two, one or half a vector
    (laid out at compile time for constant filters) and a transpose back to
    NCHW: its register tiles read the input in place (no im2col) and stream a
    panel contiguously. A grouped convolution becomes the same with a group
    loop (outP[n, oh, ow, g, fo, fi], the window reading channel g * C' + c);
    groups of fewer filters than half a vector are convolved 2 or 4 at a time
    with a block-diagonal constant filter. Other convolutions use an im2col
    that computes input coordinates from linalg.index, so kernels tile it and
    build the columns tile by tile; one with a dynamic batch is first tiled by
    one image and goes through upstream linalg's im2col, its contraction
    reading the filter transposed when the filters are a multiple of the
    vector width. A depthwise convolution or a max/sum pooling (up to 7x7,
    static but for the batch) becomes one elementwise op over a strided view
    of the input per window tap, which vectorizes along the output rows and
    fuses with its neighbours.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Number of f32 elements per vector (16 for AVX-512, 8 for AVX2)">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def KilnSinkLayoutChanges : Pass<"kiln-sink-layout-changes", "::mlir::func::FuncOp"> {
  let summary = "Keeps activations in the layout convolutions compute them in";
  let description = [{
    Runs after `kiln-conv-to-im2col`, whose window contractions compute
    channels-last in filter panels ([n, oh, ow, f / panel, panel]), collapse
    the panels and transpose back to NCHW. Moves both down the graph: an
    elementwise op whose full-rank inputs are all transposed by the same
    permutation runs in their layout instead (its result is transposed), and
    one reading a panel collapse runs on the panels (its result is
    collapsed); pads by a constant and slices that keep every dimension (and
    the panels whole) are taken before the transpose or collapse. A window
    contraction reading a transposed input absorbs the permutation into its
    input map; a collapse before it is a view. Transposes meeting any other
    consumer stay. Between two convolutions the activations then keep the
    convolutions' layout: epilogues have the convolution's shape and fuse
    with it, pads and depthwise convolutions run along contiguous channels,
    and no kernel transposes.
  }];
}

def KilnTileAndVectorize : Pass<"kiln-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Compiles each kernel as its schedule says, vectorizes the rest";
  let description = [{
    For every `kiln_kernel.dispatch` with a schedule: tiles the op computing
    its result by the schedule's level-1 `tiles` (an `scf.forall` when
    `threads` is set, else `scf.for`) and fuses the dispatch's other ops into
    the tile; then a contraction root is blocked along k, packed into
    register panels when `pack` is set, and tiled into its `vector` register
    tile, which becomes a `vector.contract` (outer products); a window
    contraction (conv) is blocked along its channels and tiled into register
    tiles of pixels x filters, each rewritten as a plain contraction over
    strided views of the input; another root is tiled by `vector` and
    vectorized. Every other linalg op (and every op outside a dispatch) is
    tiled so that its innermost parallel dimension is one vector of
    `vector-width` elements (and an input read transposed one vector along
    its contiguous dimension too) and vectorized. The dispatches are then
    inlined, and transfers that transpose become contiguous transfers and a
    `vector.transpose`. Tile sizes divide static extents (dynamic ones are tiled
    by 1), so no masking is needed; ops on booleans and ops the vectorizer
    rejects stay scalar.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Number of f32 elements per vector (16 for AVX-512, 8 for AVX2)">
  ];
  let dependentDialects = [
    "::mlir::vector::VectorDialect", "::mlir::scf::SCFDialect",
    "::mlir::affine::AffineDialect", "::mlir::tensor::TensorDialect"
  ];
}

def KilnWidenReductionAccumulators
    : Pass<"kiln-widen-reduction-accumulators", "::mlir::func::FuncOp"> {
  let summary = "Carries tile-wide accumulators through tiled reduction loops";
  let description = [{
    Runs after tiling, vectorization and loop-invariant-subset-hoisting. A
    `vector.multi_reduction` whose accumulator is an `scf.for` iter_arg
    (reduced in that loop and yielded, nothing else) reduces each vector
    tile across its columns on every iteration: a register transpose per
    tile, or a chain of scalar ops. The loop instead carries an accumulator
    shaped like the tile, starting at the kind's identity (-0.0 for add,
    -inf for maximumf, ...), combines each tile into it with one elementwise
    op, and reduces it across the columns once, after the loop. Float kinds
    only; sums are reassociated, as the tiled reduction already did.
    Accumulators of more than `max-elements` elements would not stay in
    registers and are left alone.

    ```mlir
    %r = scf.for %k = %c0 to %c128 step %c16 iter_args(%acc = %init)
        -> (vector<16xf32>) {
      %t = vector.transfer_read ... : memref<16x128xf32>, vector<16x16xf32>
      %s = vector.multi_reduction <add>, %t, %acc [1]
          : vector<16x16xf32> to vector<16xf32>
      scf.yield %s : vector<16xf32>
    }
    // becomes
    %w = scf.for %k = %c0 to %c128 step %c16
        iter_args(%wacc = %minus_zeros) -> (vector<16x16xf32>) {
      %t = vector.transfer_read ...
      %s = arith.addf %t, %wacc : vector<16x16xf32>
      scf.yield %s : vector<16x16xf32>
    }
    %r = vector.multi_reduction <add>, %w, %init [1]
        : vector<16x16xf32> to vector<16xf32>
    ```
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"256",
           "Largest accumulator, in elements, carried through a loop">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def KilnPrefetchAccumulators
    : Pass<"kiln-prefetch-accumulators", "::mlir::func::FuncOp"> {
  let summary = "Prefetches the next register tile's accumulators";
  let description = [{
    Runs on bufferized, vectorized code. A register tile keeps its
    accumulators in registers through its k loop and stores them to the
    result after it; when the loop starts from values read from the result
    (a k block after the first), the read misses the cache at the start of
    every tile: the level-1 tile of the result is larger than the caches
    close to the core. While a tile's k loop runs, this pass prefetches, for
    writing, every cache line of the tile the enclosing loop's next
    iteration stores, so that its read (or its first store) hits L1.

    ```mlir
    scf.for %i = %c0 to %c256 step %c8 {
      %c = memref.subview %C[%i, 0] [8, 32] [1, 1] : ...
      %init = vector.transfer_read %c[%c0, %c0], %pad : ..., vector<8x32xf32>
      %r = scf.for %k = ... iter_args(%acc = %init) -> (vector<8x32xf32>) {...}
      vector.transfer_write %r, %c[%c0, %c0] : vector<8x32xf32>, ...
    }
    // gets, ahead of the k loop, with %n = the next %i (or %i on the last):
      %cn = memref.subview %C[%n, 0] [8, 32] [1, 1] : ...
      memref.prefetch %cn[%c0, %c0], write, locality<3>, data : ...
      memref.prefetch %cn[%c0, %c16], write, locality<3>, data : ...
      ... one per row and 64-byte line
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def KilnPrepareBufferization : Pass<"kiln-prepare-bufferization", "::mlir::func::FuncOp"> {
  let summary = "Lets bufferization write results in place of copying them";
  let description = [{
    Runs right before `eliminate-empty-tensors` and one-shot bufferization.
    A `tensor.pad` becomes a fill of the padded tensor and an `insert_slice`
    of its source, so the source's producer writes straight into the padded
    buffer instead of into one of its own that is then copied. A fill of an
    empty tensor used by several ops (CSE merges identical ones) is cloned
    for each, so each writes into its own buffer instead of a copy of a
    shared one. Nothing is folded, which would undo the first rewrite.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def KilnVectorizeCopies : Pass<"kiln-vectorize-copies", "::mlir::func::FuncOp"> {
  let summary = "Rewrites strided memref.copy ops and non-zero fills as vector loops";
  let description = [{
    Runs after bufferization. A static memref.copy whose source or target is
    strided (the interior of a padded tensor, a slice inserted into a larger
    buffer) becomes loops over its rows moving one vector at a time, instead
    of a call to the runtime's element-by-element memrefCopy. Contiguous
    copies stay memref.copy (a memcpy). A linalg.fill of a non-zero value on
    a memref (a max pool's -inf padding) becomes the same loops storing a
    broadcast vector; zero fills stay linalg.fill (a memset).
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Number of f32 elements per vector (16 for AVX-512, 8 for AVX2)">
  ];
  let dependentDialects = [
    "::mlir::vector::VectorDialect", "::mlir::scf::SCFDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def KilnHoistBuffersToStack
    : Pass<"kiln-hoist-buffers-to-stack", "::mlir::func::FuncOp"> {
  let summary = "Turns small per-iteration heap buffers into stack buffers "
                "allocated once per thread";
  let description = [{
    Runs after bufferization, deallocation and convert-scf-to-openmp. A
    static memref.alloc of at most `max-buffer-bytes` whose memref.dealloc is
    in the same block lives for one iteration of every loop around it; it
    becomes a memref.alloca at the start of the nearest allocation scope (an
    omp.parallel region, which each thread runs once, or the function) and
    its dealloc is erased. A layer-norm tiled by rows otherwise calls malloc
    and free for its row buffers on every row. At most `max-scope-bytes` are
    placed in one scope; the rest stay on the heap. Buffers inside a
    parallel loop not yet converted to OpenMP stay too.

    ```mlir
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%c0) to (%c8) step (%c1) {
          %buf = memref.alloc() : memref<256xf32>
          ...
          memref.dealloc %buf : memref<256xf32>
          omp.yield
        }
      }
      omp.terminator
    }
    // becomes
    omp.parallel {
      %buf = memref.alloca() : memref<256xf32>
      omp.wsloop { ... }
      omp.terminator
    }
    ```
  }];
  let options = [
    Option<"maxBufferBytes", "max-buffer-bytes", "int64_t",
           /*default=*/"32768", "Largest buffer moved to the stack">,
    Option<"maxScopeBytes", "max-scope-bytes", "int64_t",
           /*default=*/"262144",
           "Most stack bytes placed in one thread's or call's scope">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def KilnApproximateMath : Pass<"kiln-approximate-math"> {
  let summary = "Replaces f32 transcendental math ops with polynomial approximations";
  let description = [{
    Uses upstream MLIR's polynomial approximations (tanh, erf, exp, log,
    sin, cos, ...) so that these functions vectorize instead of becoming
    scalar libm calls.
  }];
  let dependentDialects = [
    "::mlir::math::MathDialect", "::mlir::vector::VectorDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def KilnAnnotateEntryPoints : Pass<"kiln-annotate-entry-points", "::mlir::ModuleOp"> {
  let summary = "Records the signature of every public function as runtime metadata";
  let description = [{
    Runs on tensor-level IR. Writes the module attribute `kiln.metadata`, a
    JSON description of every public function (input and output names from
    `kiln.name` argument and result attributes, dtypes, shapes with -1 for
    dynamic dimensions), and asks for a C interface wrapper of each. Fails
    on a public function whose arguments or results are not ranked tensors.
  }];
}

def KilnExportEntryPoints : Pass<"kiln-export-entry-points", "::mlir::ModuleOp"> {
  let summary = "Adds the runtime's packed entry points and metadata";
  let description = [{
    Runs on the LLVM dialect. For every public function that has a C
    interface wrapper (`_mlir_ciface_<name>`), adds
    `void _kiln_entry_<name>(void **args)`, which reads the pointers in
    `args` (result storage first, then one memref descriptor per input) and
    calls the wrapper, so the runtime can call any entry point through one
    signature. Adds the `kiln_metadata` string global, copied from the
    module's `kiln.metadata` attribute.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // KILN_PASSES_TD
