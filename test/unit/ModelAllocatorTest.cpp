//===- ModelAllocatorTest.cpp - the allocator linked into models ----------===//
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

// lib/Runtime/ModelAllocator.c (hidden in a model, linked here statically).
extern "C" {
void *_mlir_memref_to_llvm_alloc(size_t size);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size);
void _mlir_memref_to_llvm_free(void *buffer);
void kiln_model_free(void *buffer);
}

namespace {

constexpr size_t kLarge = 1 << 20;

TEST(ModelAllocator, ReusesAFreedLargeBlockForTheSameSize) {
  void *first = _mlir_memref_to_llvm_aligned_alloc(64, kLarge);
  ASSERT_NE(first, nullptr);
  _mlir_memref_to_llvm_free(first);
  void *second = _mlir_memref_to_llvm_aligned_alloc(64, kLarge);
  EXPECT_EQ(second, first);
  kiln_model_free(second);
}

TEST(ModelAllocator, ServesASmallerRequestOnlyWithLittleWaste) {
  void *block = _mlir_memref_to_llvm_aligned_alloc(64, kLarge);
  _mlir_memref_to_llvm_free(block);
  // 90% of the block: reused; half of it: a block of its own.
  void *close = _mlir_memref_to_llvm_aligned_alloc(64, kLarge / 10 * 9);
  EXPECT_EQ(close, block);
  _mlir_memref_to_llvm_free(close);
  void *half = _mlir_memref_to_llvm_aligned_alloc(64, kLarge / 2);
  EXPECT_NE(half, block);
  _mlir_memref_to_llvm_free(half);
}

TEST(ModelAllocator, HonoursAlignmentAndKeepsBlocksApart) {
  for (size_t alignment : {16, 64, 128, 4096}) {
    void *a = _mlir_memref_to_llvm_aligned_alloc(alignment, kLarge + 3);
    void *b = _mlir_memref_to_llvm_aligned_alloc(alignment, kLarge + 3);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % alignment, 0u) << alignment;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % alignment, 0u) << alignment;
    // Both are usable in full without overlapping.
    std::memset(a, 1, kLarge + 3);
    std::memset(b, 2, kLarge + 3);
    EXPECT_EQ(static_cast<unsigned char *>(a)[kLarge + 2], 1);
    _mlir_memref_to_llvm_free(a);
    _mlir_memref_to_llvm_free(b);
  }
  void *small = _mlir_memref_to_llvm_alloc(24);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small) % 16, 0u);
  _mlir_memref_to_llvm_free(small);
  _mlir_memref_to_llvm_free(nullptr);
}

} // namespace
