/*===- ModelAllocator.c - the buffer allocator linked into every model ----===*
 *
 * A compiled model allocates its intermediate buffers on every call (the
 * memref lowering calls the three _mlir_memref_to_llvm_* functions below).
 * glibc serves blocks over 32 MiB with fresh mmaps, which the kernel then
 * zero-fills page by page on first touch: a batch-8 MobileNet-v2 spent more
 * time in page faults than in its kernels. This allocator keeps freed large
 * blocks and hands them out again to requests of about their size, within a
 * call and across calls, like the caching allocators of PyTorch and ONNX
 * Runtime. Each model library links its own copy (hidden symbols); the
 * cached blocks are released when the library is unloaded.
 *
 * Every block carries a header with its capacity, so that a freed block's
 * size is known. Buffers a model returns are released by the runtime
 * through kiln_model_free, exported for that.
 *
 *===----------------------------------------------------------------------===*/
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* Blocks from this size up are cached; smaller ones go back to malloc,
 * whose bins serve them well. */
static const size_t kMinCachedBytes = 4 << 10;
/* At most this many blocks, and bytes, wait in the cache. */
enum { kMaxCachedBlocks = 256 };
static const size_t kMaxCachedBytes = (size_t)2 << 30;

/* Placed right before the pointer handed out. */
typedef struct {
  void *base;      /* what aligned_alloc returned */
  size_t capacity; /* usable bytes after the header */
} Header;

/* A cached block; its capacity is copied here so that the search does not
 * touch the blocks themselves. */
typedef struct {
  void *user;
  size_t capacity;
} Block;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Block cache[kMaxCachedBlocks];
static int cachedBlocks;
static size_t cachedBytes;

static Header *headerOf(void *user) { return (Header *)user - 1; }

/* The cached block that best fits `size`, removed from the cache. */
static void *takeCached(size_t size, size_t alignment) {
  int best = -1;
  pthread_mutex_lock(&lock);
  for (int i = 0; i < cachedBlocks; ++i) {
    size_t capacity = cache[i].capacity;
    /* It serves requests of at least 4/5 of its capacity. */
    if (capacity < size || (capacity - size) * 5 > capacity ||
        (uintptr_t)cache[i].user % alignment)
      continue;
    if (best < 0 || capacity < cache[best].capacity)
      best = i;
  }
  void *user = NULL;
  if (best >= 0) {
    user = cache[best].user;
    cachedBytes -= cache[best].capacity;
    cache[best] = cache[--cachedBlocks];
  }
  pthread_mutex_unlock(&lock);
  return user;
}

static void *allocate(size_t size, size_t alignment) {
  /* A power of two, at least a cache line (and the header's size). */
  size_t power = 64;
  while (power < alignment)
    power <<= 1;
  alignment = power;
  if (size >= kMinCachedBytes) {
    void *user = takeCached(size, alignment);
    if (user)
      return user;
  }
  /* The header takes a whole alignment unit, keeping the user pointer
   * aligned; aligned_alloc wants a multiple of the alignment. */
  size_t headerBytes = alignment;
  size_t total = (headerBytes + size + alignment - 1) / alignment * alignment;
  void *base = aligned_alloc(alignment, total);
  if (!base)
    return NULL;
  void *user = (char *)base + headerBytes;
  headerOf(user)->base = base;
  headerOf(user)->capacity = total - headerBytes;
  return user;
}

static void release(void *user) {
  if (!user)
    return;
  Header header = *headerOf(user);
  if (header.capacity >= kMinCachedBytes) {
    pthread_mutex_lock(&lock);
    int kept = cachedBlocks < kMaxCachedBlocks &&
               cachedBytes + header.capacity <= kMaxCachedBytes;
    if (kept) {
      cache[cachedBlocks++] = (Block){user, header.capacity};
      cachedBytes += header.capacity;
    }
    pthread_mutex_unlock(&lock);
    if (kept)
      return;
  }
  free(header.base);
}

HIDDEN void *_mlir_memref_to_llvm_alloc(size_t size) {
  return allocate(size, 16);
}

HIDDEN void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  return allocate(size, alignment);
}

HIDDEN void _mlir_memref_to_llvm_free(void *user) { release(user); }

/* Releases a buffer the model returned (the runtime calls it). */
void kiln_model_free(void *user) { release(user); }

__attribute__((destructor)) static void releaseCache(void) {
  pthread_mutex_lock(&lock);
  for (int i = 0; i < cachedBlocks; ++i)
    free(headerOf(cache[i].user)->base);
  cachedBlocks = 0;
  cachedBytes = 0;
  pthread_mutex_unlock(&lock);
}
