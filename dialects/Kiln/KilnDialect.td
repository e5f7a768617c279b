#ifndef KILN_DIALECT_TD
#define KILN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::mlir::kiln";
  let summary = "Kiln's graph-level dialect of ML operators on ranked tensors";
  let description = [{
    The `kiln` dialect models a dataflow graph of ML operators on ranked
    tensors. Elementwise operators broadcast their operands with NumPy rules.
    Dimensions may be dynamic (`?`); result types are inferred from operand
    types and attributes, and a dynamic dimension is assumed to agree with a
    static one it is broadcast against unless that one is 1.
  }];
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, !listconcat(traits, [Pure])>;

def Kiln_Tensor : RankedTensorOf<[AnyType]>;
def Kiln_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Kiln_BoolTensor : RankedTensorOf<[I1]>;
def Kiln_IndexTensor : RankedTensorOf<[I32, I64]>;

#endif // KILN_DIALECT_TD
