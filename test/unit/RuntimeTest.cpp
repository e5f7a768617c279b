//===- RuntimeTest.cpp - Metadata, npy files and input validation ---------===//
#include "kiln/Runtime.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

using namespace kiln;

static const char *kMetadata =
    R"({"format":"kiln-1","entries":[{"name":"main",)"
    R"("inputs":[{"name":"x","dtype":"float32","shape":[-1,4]}],)"
    R"("outputs":[{"name":"y","dtype":"int64","shape":[-1]}]}]})";

TEST(Metadata, ParsesEntryPoints) {
  std::vector<EntryPoint> entries = parseMetadata(kMetadata);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "main");
  ASSERT_EQ(entries[0].inputs.size(), 1u);
  EXPECT_EQ(entries[0].inputs[0].name, "x");
  EXPECT_EQ(entries[0].inputs[0].dtype, DType::Float32);
  EXPECT_EQ(entries[0].inputs[0].shape, (std::vector<int64_t>{-1, 4}));
  EXPECT_EQ(entries[0].outputs[0].dtype, DType::Int64);
}

TEST(Metadata, RejectsUnknownFormat) {
  EXPECT_THROW(parseMetadata(R"({"format":"other","entries":[]})"), Error);
  EXPECT_THROW(parseMetadata("not json"), Error);
}

TEST(Npy, RoundTrips) {
  Tensor t(DType::Int32, {2, 3});
  for (int i = 0; i < 6; ++i)
    t.as<int32_t>()[i] = i * 7 - 3;
  std::string path =
      (std::filesystem::temp_directory_path() / "kiln-npy-test.npy").string();
  writeNpy(path, t);
  Tensor back = readNpy(path);
  std::remove(path.c_str());
  EXPECT_EQ(back.dtype, DType::Int32);
  EXPECT_EQ(back.shape, t.shape);
  EXPECT_EQ(back.data, t.data);
}

TEST(Npy, MissingFileNamesThePath) {
  try {
    readNpy("/nonexistent/kiln.npy");
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/kiln.npy"),
              std::string::npos);
  }
}

/// An entry point that must never be reached: validation fails first.
static void unreachableEntry(void **) { FAIL() << "called with bad inputs"; }

TEST(Invoke, ValidatesCountDtypeAndShape) {
  EntryPoint entry = parseMetadata(kMetadata)[0];
  auto message = [&](std::vector<Tensor> inputs) {
    try {
      invokeEntryPoint(unreachableEntry, entry, inputs);
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({}).find("expects 1 inputs (x), got 0"), std::string::npos);
  EXPECT_NE(message({Tensor(DType::Float64, {2, 4})})
                .find("input 'x' (#0): expected dtype float32, got float64"),
            std::string::npos);
  EXPECT_NE(message({Tensor(DType::Float32, {2, 5})})
                .find("expected shape [?, 4], got [2, 5]"),
            std::string::npos);
}

/// Two float32 [2, 2] outputs of one input x [2, 2]: `a` the first two rows
/// of a buffer the entry allocates, `b` its transpose (strided); the buffer
/// is released through the releaser given to the invocation.
static const char *kTwoOutputs =
    R"({"format":"kiln-1","entries":[{"name":"main",)"
    R"("inputs":[{"name":"x","dtype":"float32","shape":[2,2]}],)"
    R"("outputs":[{"name":"a","dtype":"float32","shape":[2,2]},)"
    R"({"name":"b","dtype":"float32","shape":[2,2]}]}]})";

static void sharedBufferEntry(void **args) {
  auto *buffer = static_cast<float *>(std::malloc(4 * sizeof(float)));
  for (int i = 0; i < 4; ++i)
    buffer[i] = static_cast<float>(i);
  auto *results = static_cast<int64_t *>(args[0]);
  auto pointer = reinterpret_cast<int64_t>(buffer);
  // {allocated, aligned, offset, sizes[2], strides[2]} twice.
  int64_t a[] = {pointer, pointer, 0, 2, 2, 2, 1};
  int64_t b[] = {pointer, pointer, 0, 2, 2, 1, 2};
  std::copy(a, a + 7, results);
  std::copy(b, b + 7, results + 7);
}

/// Frees a buffer and counts the calls in `releases`.
static BufferReleaser countingFree(int &releases) {
  return [&releases](void *buffer) {
    ++releases;
    std::free(buffer);
  };
}

TEST(Invoke, OutputsStayInTheirBufferUntilReleased) {
  EntryPoint entry = parseMetadata(kTwoOutputs)[0];
  Tensor x(DType::Float32, {2, 2});
  int releases = 0;
  std::vector<OutputBuffer> outputs = invokeEntryPointInPlace(
      sharedBufferEntry, entry, {TensorRef(x)}, countingFree(releases));
  ASSERT_EQ(outputs.size(), 2u);
  // The dense output is the buffer itself, the strided one a dense copy.
  auto *a = static_cast<float *>(outputs[0].data);
  auto *b = static_cast<float *>(outputs[1].data);
  EXPECT_EQ(outputs[0].owner.get(), outputs[0].data);
  EXPECT_NE(outputs[1].owner.get(), outputs[0].owner.get());
  EXPECT_EQ(std::vector<float>(a, a + 4), (std::vector<float>{0, 1, 2, 3}));
  EXPECT_EQ(std::vector<float>(b, b + 4), (std::vector<float>{0, 2, 1, 3}));
  EXPECT_EQ(outputs[1].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(releases, 0);
  outputs.clear();
  EXPECT_EQ(releases, 1);
}

TEST(Invoke, CopiedOutputsReleaseTheBuffer) {
  EntryPoint entry = parseMetadata(kTwoOutputs)[0];
  Tensor x(DType::Float32, {2, 2});
  int releases = 0;
  std::vector<Tensor> outputs = invokeEntryPoint(
      sharedBufferEntry, entry, {TensorRef(x)}, countingFree(releases));
  EXPECT_EQ(releases, 1);
  EXPECT_EQ(outputs[1].as<float>()[1], 2.0f);
}
