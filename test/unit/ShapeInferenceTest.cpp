//===- ShapeInferenceTest.cpp - Shape rules behind kiln type inference ----===//
#include "dialects/Kiln/ShapeInference.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::kiln;

static constexpr int64_t kDyn = ShapedType::kDynamic;

TEST(Broadcast, StretchesOnesAndAlignsRight) {
  SmallVector<int64_t> out;
  ASSERT_TRUE(succeeded(broadcastShapes({4, 1, 3}, {5, 1}, out)));
  EXPECT_EQ(out, (SmallVector<int64_t>{4, 5, 3}));
}

TEST(Broadcast, DynamicAgreesWithStaticUnlessOne) {
  SmallVector<int64_t> out;
  ASSERT_TRUE(succeeded(broadcastShapes({kDyn, 3}, {7, 3}, out)));
  EXPECT_EQ(out, (SmallVector<int64_t>{7, 3}));
  ASSERT_TRUE(succeeded(broadcastShapes({kDyn, 3}, {1, 3}, out)));
  EXPECT_EQ(out, (SmallVector<int64_t>{kDyn, 3}));
}

TEST(Broadcast, RejectsDifferentStaticSizes) {
  SmallVector<int64_t> out;
  EXPECT_TRUE(failed(broadcastShapes({2, 3}, {4, 3}, out)));
}

TEST(Reshape, CopiesZerosAndInfersMinusOne) {
  std::string error;
  auto shape = resolveReshape({kDyn, 64, 7, 7}, {0, -1}, error);
  ASSERT_TRUE(succeeded(shape)) << error;
  EXPECT_EQ(*shape, (SmallVector<int64_t>{kDyn, 3136}));
}

TEST(Reshape, RejectsWrongElementCount) {
  std::string error;
  EXPECT_TRUE(failed(resolveReshape({2, 3}, {4, 2}, error)));
  EXPECT_NE(error.find("cannot reshape"), std::string::npos);
}

TEST(Reshape, RejectsTwoInferredDimensions) {
  std::string error;
  EXPECT_TRUE(failed(resolveReshape({6}, {-1, -1}, error)));
}

TEST(Slice, ClampsLikeOnnx) {
  // [1:-1:2] of 10 elements: 1, 3, 5, 7.
  EXPECT_EQ(resolveSliceRange(10, 1, -1, 2),
            (std::pair<int64_t, int64_t>{1, 4}));
  // Reverse with huge bounds: all 10 elements from 9 down to 0.
  EXPECT_EQ(resolveSliceRange(10, INT64_MAX, INT64_MIN, -1),
            (std::pair<int64_t, int64_t>{9, 10}));
  // Empty.
  EXPECT_EQ(resolveSliceRange(10, 5, 2, 1).second, 0);
}

TEST(Window, OutputSize) {
  // ResNet stem: 224, kernel 7, stride 2, pad 3 -> 112.
  EXPECT_EQ(windowOutputSize(224, 7, 2, 1, 3, 3), 112);
  EXPECT_EQ(windowOutputSize(kDyn, 3, 1, 1, 1, 1), kDyn);
  EXPECT_FALSE(windowOutputSize(2, 5, 1, 1, 0, 0).has_value());
}
