//===- KilnKernel.cpp - kernels and schedules -----------------------------===//
#include "dialects/KilnKernel/KilnKernel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::kiln_kernel;

#include "dialects/KilnKernel/KilnKernelDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/KilnKernel/KilnKernelAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/KilnKernel/KilnKernelOps.cpp.inc"

void KilnKernelDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/KilnKernel/KilnKernelAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/KilnKernel/KilnKernelOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// #kiln_kernel.schedule<strategy, tiles = [..], vector = [..][, pack][,
// threads]>
//===----------------------------------------------------------------------===//

static ParseResult parseSizes(AsmParser &parser, StringRef keyword,
                              SmallVectorImpl<int64_t> &sizes) {
  if (parser.parseComma() || parser.parseKeyword(keyword) ||
      parser.parseEqual())
    return failure();
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
    return parser.parseInteger(sizes.emplace_back());
  });
}

Attribute ScheduleAttr::parse(AsmParser &parser, Type) {
  std::string strategy;
  SmallVector<int64_t> tiles, vector;
  if (parser.parseLess() || parser.parseKeywordOrString(&strategy) ||
      parseSizes(parser, "tiles", tiles) ||
      parseSizes(parser, "vector", vector))
    return {};
  bool pack = false, threads = false;
  while (succeeded(parser.parseOptionalComma())) {
    if (succeeded(parser.parseOptionalKeyword("pack")))
      pack = true;
    else if (succeeded(parser.parseOptionalKeyword("threads")))
      threads = true;
    else
      return parser.emitError(parser.getCurrentLocation(),
                              "expected 'pack' or 'threads'"),
             Attribute();
  }
  if (parser.parseGreater())
    return {};
  return getChecked([&] { return parser.emitError(parser.getNameLoc()); },
                    parser.getContext(), strategy, tiles, vector, pack,
                    threads);
}

void ScheduleAttr::print(AsmPrinter &printer) const {
  printer << "<" << getStrategy() << ", tiles = [" << getTiles()
          << "], vector = [" << getVector() << "]";
  if (getPack())
    printer << ", pack";
  if (getThreads())
    printer << ", threads";
  printer << ">";
}

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef strategy, ArrayRef<int64_t> tiles,
                                   ArrayRef<int64_t> vector, bool pack,
                                   bool threads) {
  if (!llvm::is_contained(
          {"contraction", "conv", "reduction", "elementwise", "generic"},
          strategy))
    return emitError() << "unknown schedule strategy '" << strategy
                       << "' (expected contraction, conv, reduction, "
                          "elementwise or generic)";
  if (tiles.size() != vector.size())
    return emitError() << "schedule has " << tiles.size() << " tile sizes but "
                       << vector.size()
                       << " vector sizes; both give one size per loop";
  for (auto [tile, vec] : llvm::zip(tiles, vector)) {
    if (tile < 0 || vec < 0)
      return emitError() << "schedule sizes must be >= 0";
    if (tile && vec > tile)
      return emitError() << "vector size " << vec << " exceeds tile size "
                         << tile;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// DispatchOp
//===----------------------------------------------------------------------===//

LogicalResult DispatchOp::verify() {
  Operation *terminator = getTerminator();
  if (terminator->getOperandTypes() != getResultTypes())
    return emitOpError("yields ")
           << terminator->getNumOperands()
           << " values whose types do not match the dispatch's results";
  return success();
}
