//===- CompilerTest.cpp - The C++ compiler API, JIT and .so ---------------===//
#include "kiln/Compiler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

using namespace kiln;

static const char *kModel = R"mlir(
func.func @main(%x: tensor<?x3xf32> {kiln.name = "x"}, %w: tensor<3x2xf32> {kiln.name = "w"})
    -> (tensor<?x2xf32> {kiln.name = "y"}) {
  %0 = kiln.matmul %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %1 = kiln.relu %0 : tensor<?x2xf32>
  return %1 : tensor<?x2xf32>
}
)mlir";

static Tensor floats(std::vector<int64_t> shape, std::vector<float> values) {
  Tensor t(DType::Float32, std::move(shape));
  std::copy(values.begin(), values.end(), t.as<float>());
  return t;
}

/// relu(x @ w) computed by hand for the inputs below.
static void expectResult(const std::vector<Tensor> &outputs) {
  ASSERT_EQ(outputs.size(), 1u);
  ASSERT_EQ(outputs[0].shape, (std::vector<int64_t>{2, 2}));
  const float *y = outputs[0].as<float>();
  // Row 0: [1, 2, 3] . columns [1, 0, -1] = -2 -> 0 and [0, 1, 1] = 5.
  // Row 1: [-1, 0, 4] . [1, 0, -1] = -5 -> 0 and [0, 1, 1] = 4.
  EXPECT_FLOAT_EQ(y[0], 0.0f);
  EXPECT_FLOAT_EQ(y[1], 5.0f);
  EXPECT_FLOAT_EQ(y[2], 0.0f);
  EXPECT_FLOAT_EQ(y[3], 4.0f);
}

static std::vector<Tensor> inputs() {
  return {floats({2, 3}, {1, 2, 3, -1, 0, 4}),
          floats({3, 2}, {1, 0, 0, 1, -1, 1})};
}

TEST(Compiler, JitRunsAndReportsMetadata) {
  std::unique_ptr<Model> model = compileToJit(kModel);
  const EntryPoint &entry = model->entryPoint("main");
  EXPECT_EQ(entry.inputs[0].name, "x");
  EXPECT_EQ(entry.inputs[0].shape, (std::vector<int64_t>{-1, 3}));
  EXPECT_EQ(entry.outputs[0].name, "y");
  expectResult(model->run(inputs()));
}

TEST(Compiler, SharedLibraryRunsAtEveryOptLevel) {
  for (int level = 0; level <= 3; ++level) {
    std::string path =
        (std::filesystem::temp_directory_path() /
         ("kiln-compiler-test-O" + std::to_string(level) + ".so"))
            .string();
    CompileOptions options;
    options.optLevel = level;
    compileToFile(kModel, "model.mlir", path, OutputKind::SharedLibrary,
                  options);
    std::unique_ptr<Model> model = loadModel(path);
    expectResult(model->run(inputs()));
    std::filesystem::remove(path);
  }
}

TEST(Compiler, ErrorsCarryLocationAndOp) {
  const char *bad = R"mlir(
func.func @main(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
)mlir";
  try {
    compileToJit(bad, {}, "bad.mlir");
    FAIL() << "expected a compile error";
  } catch (const Error &e) {
    std::string text = e.what();
    EXPECT_NE(text.find("bad.mlir:3:8"), std::string::npos) << text;
    EXPECT_NE(text.find("'kiln.add' op operand shapes are not "
                        "broadcast-compatible: 2x3 and 4x3"),
              std::string::npos)
        << text;
  }
}

TEST(Compiler, RejectsUnknownTarget) {
  CompileOptions options;
  options.target = "tpu";
  EXPECT_THROW(compileToJit(kModel, options), Error);
}
