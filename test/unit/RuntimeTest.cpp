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
