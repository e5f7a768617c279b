//===- main.cpp - Embedding Kiln in a C++ program -------------------------===//
//
// Compiles a small model from MLIR text with the C++ API, runs it both
// in-process (JIT) and from a shared library, and checks the two agree with a
// reference computed here.
//
//   kiln-embed-example [output.so]
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler.h"
#include "kiln/Runtime.h"

#include <cmath>
#include <cstdio>

static const char *kModel = R"mlir(
func.func @main(%x: tensor<?x4xf32> {kiln.name = "x"}) -> (tensor<?x4xf32> {kiln.name = "probs"}) {
  %w = kiln.constant dense<[[1.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, 0.5],
                            [0.0, 0.0, 1.0, 0.5], [0.5, 0.5, 0.5, 1.0]]> : tensor<4x4xf32>
  %0 = kiln.matmul %x, %w : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %1 = kiln.softmax %0 {axis = -1 : i64} : tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}
)mlir";

int main(int argc, char **argv) {
  const char *soPath = argc > 1 ? argv[1] : "kiln-embed-example.so";
  kiln::Tensor x(kiln::DType::Float32, {3, 4});
  for (int i = 0; i < 12; ++i)
    x.as<float>()[i] = 0.25f * i - 1.0f;

  // Reference: softmax(x @ w) row by row.
  const float w[4][4] = {
      {1, 0, 0, .5f}, {0, 1, 0, .5f}, {0, 0, 1, .5f}, {.5f, .5f, .5f, 1}};
  float expected[3][4];
  for (int r = 0; r < 3; ++r) {
    float logits[4], maxLogit = -INFINITY, sum = 0;
    for (int c = 0; c < 4; ++c) {
      logits[c] = 0;
      for (int k = 0; k < 4; ++k)
        logits[c] += x.as<float>()[r * 4 + k] * w[k][c];
      maxLogit = std::fmax(maxLogit, logits[c]);
    }
    for (int c = 0; c < 4; ++c)
      sum += (expected[r][c] = std::exp(logits[c] - maxLogit));
    for (int c = 0; c < 4; ++c)
      expected[r][c] /= sum;
  }

  try {
    std::unique_ptr<kiln::Model> jit = kiln::compileToJit(kModel);
    kiln::compileToFile(kModel, "embedded.mlir", soPath,
                        kiln::OutputKind::SharedLibrary);
    std::unique_ptr<kiln::Model> library = kiln::loadModel(soPath);
    for (auto *model : {jit.get(), library.get()}) {
      kiln::Tensor probs = model->run({x})[0];
      for (int i = 0; i < 12; ++i) {
        float got = probs.as<float>()[i], want = expected[i / 4][i % 4];
        if (std::fabs(got - want) > 1e-5f) {
          std::fprintf(stderr, "mismatch at %d: got %f, expected %f\n", i, got,
                       want);
          return 1;
        }
      }
    }
    std::printf("embed example: JIT and %s agree with the reference "
                "(3x4 softmax(x @ w))\n",
                soPath);
  } catch (const kiln::Error &e) {
    std::fprintf(stderr, "kiln error: %s\n", e.what());
    return 1;
  }
  return 0;
}
