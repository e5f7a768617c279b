//===- CostModelTest.cpp - features, models and their failures ------------===//
#include "costmodel/CostModel.h"
#include "dialects/KilnKernel/KilnKernel.h"
#include "lib/Compiler/Context.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;
using namespace mlir::kiln;

namespace {

// A 64x128 by 128x32 matmul: every feature below is computed by hand.
constexpr const char *kMatmul = R"mlir(
func.func @main(%a: tensor<64x128xf32>, %b: tensor<128x32xf32>) -> tensor<64x32xf32> {
  %0 = kiln_kernel.dispatch "matmul" -> tensor<64x32xf32> {
    %e = tensor.empty() : tensor<64x32xf32>
    %z = arith.constant 0.0 : f32
    %f = linalg.fill ins(%z : f32) outs(%e : tensor<64x32xf32>) -> tensor<64x32xf32>
    %m = linalg.matmul ins(%a, %b : tensor<64x128xf32>, tensor<128x32xf32>)
                       outs(%f : tensor<64x32xf32>) -> tensor<64x32xf32>
    kiln_kernel.yield %m : tensor<64x32xf32>
  }
  return %0 : tensor<64x32xf32>
}
)mlir";

// A row times a 2 MB constant: few flops, weights far beyond a quarter of
// L2, so memory bandwidth bounds it.
constexpr const char *kMatmulWithWeights = R"mlir(
func.func @main(%a: tensor<1x2048xf32>) -> tensor<1x256xf32> {
  %b = arith.constant dense<0.5> : tensor<2048x256xf32>
  %0 = kiln_kernel.dispatch "matmul" -> tensor<1x256xf32> {
    %e = tensor.empty() : tensor<1x256xf32>
    %z = arith.constant 0.0 : f32
    %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x256xf32>) -> tensor<1x256xf32>
    %m = linalg.matmul ins(%a, %b : tensor<1x2048xf32>, tensor<2048x256xf32>)
                       outs(%f : tensor<1x256xf32>) -> tensor<1x256xf32>
    kiln_kernel.yield %m : tensor<1x256xf32>
  }
  return %0 : tensor<1x256xf32>
}
)mlir";

class CostModelTest : public ::testing::Test {
protected:
  CostModelTest() : context(makeRegistry()) {
    module = parseSourceString<ModuleOp>(kMatmul, &context);
    module->walk([&](kiln_kernel::DispatchOp d) { dispatch = d; });
    llvm::Expected<costmodel::Target> loaded =
        costmodel::loadTargetByName("x86_64-avx512");
    EXPECT_TRUE((bool)loaded) << llvm::toString(loaded.takeError());
    target = *loaded;
  }
  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    ::kiln::registerKilnDialects(registry);
    return registry;
  }
  kiln_kernel::ScheduleAttr schedule(llvm::StringRef text) {
    return cast<kiln_kernel::ScheduleAttr>(parseAttribute(text, &context));
  }
  costmodel::KernelFeatures features(llvm::StringRef text) {
    FailureOr<costmodel::KernelFeatures> f =
        costmodel::extractFeatures(dispatch, schedule(text), target);
    EXPECT_TRUE(succeeded(f));
    return *f;
  }
  std::string temporaryPath(const char *suffix) {
    llvm::SmallString<128> path;
    llvm::sys::fs::createTemporaryFile("kiln-costmodel", suffix, path);
    return std::string(path);
  }
  /// A small model trained on schedules of the matmul with made-up
  /// latencies that grow with the register tile's loads per FMA.
  std::string
  trainTinyModel(costmodel::LearnedObjective objective =
                     costmodel::LearnedObjective::KernelOffsetAndDeviation) {
    costmodel::TrainingSet data;
    for (int mr : {1, 2, 4, 8})
      for (int nr : {16, 32})
        for (int mc : {8, 16, 32, 64}) {
          if (mc % mr)
            continue;
          std::string text = "#kiln_kernel.schedule<contraction, tiles = [" +
                             std::to_string(mc) + ", 32, 0], vector = [" +
                             std::to_string(mr) + ", " + std::to_string(nr) +
                             ", 1], threads>";
          costmodel::KernelFeatures f = features(text);
          data.features.push_back(f);
          data.latencies.push_back(1e-5 * (1 + f.loadsPerFma));
          data.kernels.push_back(0);
        }
    costmodel::TrainingParameters parameters;
    parameters.rounds = 20;
    parameters.subsample = 1;
    parameters.minChildWeight = 0;
    parameters.objective = objective;
    costmodel::LearnedModelInfo info;
    info.trainingModels = {"synthetic"};
    std::string path = temporaryPath("json");
    llvm::Error error =
        costmodel::trainLearnedModel(data, target, parameters, info, path);
    EXPECT_FALSE((bool)error) << llvm::toString(std::move(error));
    return path;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  kiln_kernel::DispatchOp dispatch;
  costmodel::Target target;
};

TEST_F(CostModelTest, MatmulFeaturesMatchHandComputedValues) {
  costmodel::KernelFeatures f = features(
      "#kiln_kernel.schedule<contraction, tiles = [16, 32, 0], vector = [8, "
      "16, 1], threads>");
  EXPECT_EQ(f.strategyContraction, 1);
  EXPECT_EQ(f.numLoops, 3);
  EXPECT_EQ(f.numReductionLoops, 1);
  EXPECT_DOUBLE_EQ(f.log2M, 6);
  EXPECT_DOUBLE_EQ(f.log2N, 5);
  EXPECT_DOUBLE_EQ(f.log2K, 7);
  EXPECT_DOUBLE_EQ(f.log2TileM, 4);
  EXPECT_DOUBLE_EQ(f.log2TileN, 5);
  EXPECT_DOUBLE_EQ(f.log2TileK, 7); // 0: the whole reduction
  EXPECT_DOUBLE_EQ(f.log2RegisterM, 3);
  EXPECT_DOUBLE_EQ(f.log2RegisterN, 4);
  EXPECT_DOUBLE_EQ(f.registerAccumulators, 8); // 8 rows x 1 vector
  EXPECT_DOUBLE_EQ(f.loadsPerFma, 9.0 / 8);    // 8 broadcasts + 1 load
  EXPECT_DOUBLE_EQ(f.registerVectorFill, 1);
  EXPECT_DOUBLE_EQ(f.log2Level1Tiles, 2); // 64/16 x 32/32
  EXPECT_DOUBLE_EQ(f.level1TilesPerCore, 2);
  EXPECT_DOUBLE_EQ(f.kBlocks, 1);
  EXPECT_EQ(f.threads, 1);
  EXPECT_EQ(f.pack, 0);
  // fill: 64 x 32 iterations of one op; matmul: 64 x 32 x 128 of two.
  EXPECT_DOUBLE_EQ(f.log2Flops, std::log2(64.0 * 32 + 2.0 * 64 * 32 * 128));
  // A and B read, C written.
  EXPECT_DOUBLE_EQ(f.log2Bytes,
                   std::log2((64.0 * 128 + 128 * 32 + 64 * 32) * 4));
  // A level-1 tile: A 16 x 128, B 128 x 32, C 16 x 32.
  double tile = (16.0 * 128 + 128 * 32 + 16 * 32) * 4;
  EXPECT_DOUBLE_EQ(f.log2TileBytes, std::log2(tile));
  EXPECT_DOUBLE_EQ(f.tileOverL1, tile / 49152);
  // A register panel: A 8 x 128, B 128 x 16, C 8 x 16.
  EXPECT_DOUBLE_EQ(f.log2PanelBytes,
                   std::log2((8.0 * 128 + 128 * 16 + 8 * 16) * 4));
  EXPECT_DOUBLE_EQ(f.log2TrafficBytes, std::log2(tile * 4));
  EXPECT_EQ(f.numLinalgOps, 2);
  EXPECT_EQ(f.numContractions, 1);
  EXPECT_EQ(f.elementBits, 32);
  EXPECT_EQ(f.targetLanes, 16);
  EXPECT_EQ(f.log2ConstantBytes, 0);
}

TEST_F(CostModelTest, LargeWeightsAreCostedFromMemory) {
  OwningOpRef<ModuleOp> weighted =
      parseSourceString<ModuleOp>(kMatmulWithWeights, &context);
  ASSERT_TRUE(weighted);
  kiln_kernel::DispatchOp matmul;
  weighted->walk([&](kiln_kernel::DispatchOp d) { matmul = d; });
  FailureOr<costmodel::KernelFeatures> f = costmodel::extractFeatures(
      matmul,
      schedule("#kiln_kernel.schedule<contraction, tiles = [1, 64, 0], "
               "vector = [1, 16, 1], threads>"),
      target);
  ASSERT_TRUE(succeeded(f));
  EXPECT_DOUBLE_EQ(f->log2ConstantBytes, 21); // 2048 x 256 x 4 bytes
  // 2 MB at the target's 20 GB/s of memory bandwidth (it fits L3, whose
  // 60 GB/s would make it 3x faster).
  EXPECT_GE(costmodel::analyticalLatency(*f, target), 2097152 / 20e9);
}

TEST_F(CostModelTest, FeaturesRefuseASchedulesOfAnotherShape) {
  EXPECT_TRUE(failed(costmodel::extractFeatures(
      dispatch,
      schedule("#kiln_kernel.schedule<contraction, tiles = [16, 32], vector = "
               "[8, 16]>"),
      target)));
  EXPECT_TRUE(failed(costmodel::extractFeatures(
      dispatch,
      schedule("#kiln_kernel.schedule<elementwise, tiles = [16, 32, 0], "
               "vector = [8, 16, 1]>"),
      target)));
}

TEST_F(CostModelTest, SchemaHashNamesTheVersion) {
  std::string hash = costmodel::featureSchemaHash();
  EXPECT_EQ(
      hash.rfind("v" + std::to_string(costmodel::kFeatureSchemaVersion) + "-",
                 0),
      0u);
  EXPECT_EQ(costmodel::featureNames().size(),
            features("#kiln_kernel.schedule<contraction, tiles = [16, 32, 0], "
                     "vector = [8, 16, 1]>")
                .toVector()
                .size());
}

TEST_F(CostModelTest, AnalyticalModelPrefersTheRegisterTileThatHidesLatency) {
  auto model = costmodel::createAnalyticalModel(target);
  std::vector<costmodel::Cost> costs = model->predict(
      {features("#kiln_kernel.schedule<contraction, tiles = [16, 32, 0], "
                "vector = [8, 32, 1], threads>"),
       features("#kiln_kernel.schedule<contraction, tiles = [16, 32, 0], "
                "vector = [1, 16, 1], threads>")});
  ASSERT_EQ(costs.size(), 2u);
  EXPECT_GT(costs[0].latencySeconds, 0);
  EXPECT_LT(costs[0].latencySeconds, costs[1].latencySeconds);
}

TEST_F(CostModelTest, LearnedModelLoadsAndRanksItsTrainingData) {
  for (costmodel::LearnedObjective objective :
       {costmodel::LearnedObjective::KernelOffsetAndDeviation,
        costmodel::LearnedObjective::Residual}) {
    SCOPED_TRACE(objective == costmodel::LearnedObjective::Residual
                     ? "residual"
                     : "kernel offset");
    std::string path = trainTinyModel(objective);
    llvm::Expected<std::unique_ptr<costmodel::CostModel>> model =
        costmodel::loadLearnedModel(path, target);
    ASSERT_TRUE((bool)model) << llvm::toString(model.takeError());
    EXPECT_EQ((*model)->getKind(), costmodel::CostModelKind::Learned);
    std::vector<costmodel::Cost> costs = (*model)->predict(
        {features("#kiln_kernel.schedule<contraction, tiles = [16, 32, 0], "
                  "vector = [8, 32, 1], threads>"),
         features("#kiln_kernel.schedule<contraction, tiles = [16, 32, 0], "
                  "vector = [1, 16, 1], threads>")});
    ASSERT_EQ(costs.size(), 2u);
    EXPECT_TRUE(std::isfinite(costs[0].latencySeconds));
    // Made-up latencies: 1e-5 * (1 + 10/16) and 1e-5 * (1 + 2).
    EXPECT_LT(costs[0].latencySeconds, costs[1].latencySeconds);
    llvm::Expected<costmodel::LearnedModelInfo> info =
        costmodel::readLearnedModelInfo(path);
    ASSERT_TRUE((bool)info);
    EXPECT_EQ(info->schemaHash, costmodel::featureSchemaHash());
    EXPECT_EQ(info->target, "x86_64-avx512");
    EXPECT_EQ(info->trainingModels, std::vector<std::string>{"synthetic"});
    EXPECT_EQ(info->hyperparameters["max_depth"], "6");
    llvm::sys::fs::remove(path);
  }
}

TEST_F(CostModelTest, LearnedModelOfAnotherTargetIsRefused) {
  std::string path = trainTinyModel();
  costmodel::Target other = target;
  other.name = "x86_64-avx2";
  llvm::Expected<std::unique_ptr<costmodel::CostModel>> model =
      costmodel::loadLearnedModel(path, other);
  ASSERT_FALSE((bool)model);
  std::string message = llvm::toString(model.takeError());
  EXPECT_NE(message.find("trained for target x86_64-avx512, not for "
                         "x86_64-avx2"),
            std::string::npos)
      << message;
  llvm::sys::fs::remove(path);
}

TEST_F(CostModelTest, LearnedModelOfAnotherSchemaIsRefused) {
  std::string path = trainTinyModel();
  auto buffer = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE((bool)buffer);
  std::string text = (*buffer)->getBuffer().str();
  std::string schema = costmodel::featureSchemaHash();
  size_t at = text.find(schema);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, schema.size(), "v0-deadbeef");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << text;
  }
  llvm::Expected<std::unique_ptr<costmodel::CostModel>> model =
      costmodel::loadLearnedModel(path, target);
  ASSERT_FALSE((bool)model);
  std::string message = llvm::toString(model.takeError());
  EXPECT_NE(message.find("trained on feature schema v0-deadbeef, but this "
                         "Kiln computes schema " +
                         schema),
            std::string::npos)
      << message;
  llvm::sys::fs::remove(path);
}

TEST_F(CostModelTest, MissingAndCorruptModelFilesAreClearErrors) {
  llvm::Expected<std::unique_ptr<costmodel::CostModel>> missing =
      costmodel::loadLearnedModel("/nonexistent/model.json", target);
  ASSERT_FALSE((bool)missing);
  EXPECT_EQ(llvm::toString(missing.takeError()),
            "cost model '/nonexistent/model.json': no such file");
  std::string path = temporaryPath("json");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << "{\"learner\": [1, 2";
  }
  llvm::Expected<std::unique_ptr<costmodel::CostModel>> corrupt =
      costmodel::loadLearnedModel(path, target);
  ASSERT_FALSE((bool)corrupt);
  std::string message = llvm::toString(corrupt.takeError());
  EXPECT_NE(message.find("not a valid XGBoost model"), std::string::npos)
      << message;
  llvm::sys::fs::remove(path);
}

TEST_F(CostModelTest, TargetDescriptorErrorsNameTheKey) {
  std::string path = temporaryPath("json");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << "{\"name\": \"broken\", \"vector_bits\": 512}";
  }
  llvm::Expected<costmodel::Target> loaded = costmodel::loadTarget(path);
  ASSERT_FALSE((bool)loaded);
  EXPECT_NE(llvm::toString(loaded.takeError())
                .find("missing or non-positive integer 'vector_registers'"),
            std::string::npos);
  llvm::sys::fs::remove(path);
}

} // namespace
