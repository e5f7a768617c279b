//===- Runtime.h - Load and run Kiln-compiled models ------------*- C++ -*-===//
//
// A compiled model is a shared library with a C ABI: for each entry point
// `<name>`, `void _kiln_entry_<name>(void **args)`, and a `kiln_metadata`
// JSON string that names every input and output with its dtype and shape.
// This header loads such libraries, validates inputs against the metadata
// and runs them. Errors are thrown as kiln::Error with a message that names
// the input or file at fault.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kiln {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class DType {
  Float32,
  Float64,
  Float16,
  Bool,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8
};

/// NumPy's name ("float32", "int64", "bool", ...).
const char *dtypeName(DType dtype);
std::optional<DType> parseDType(const std::string &name);
size_t dtypeSize(DType dtype);

/// A dense, row-major tensor that owns its bytes.
struct Tensor {
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  Tensor() = default;
  Tensor(DType dtype, std::vector<int64_t> shape);
  int64_t numElements() const;
  template <typename T> T *as() { return reinterpret_cast<T *>(data.data()); }
  template <typename T> const T *as() const {
    return reinterpret_cast<const T *>(data.data());
  }
};

/// A dense, row-major tensor whose bytes the caller owns (a NumPy array's
/// buffer, say): models read it in place.
struct TensorRef {
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;
  const void *data = nullptr;
  size_t bytes = 0;

  TensorRef() = default;
  TensorRef(DType dtype, std::vector<int64_t> shape, const void *data,
            size_t bytes)
      : dtype(dtype), shape(std::move(shape)), data(data), bytes(bytes) {}
  TensorRef(const Tensor &tensor)
      : TensorRef(tensor.dtype, tensor.shape, tensor.data.data(),
                  tensor.data.size()) {}
};

/// An input or output of an entry point; -1 in `shape` is a dynamic size.
struct TensorSpec {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
};

struct EntryPoint {
  std::string name;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
};

/// "[?, 784]" for messages.
std::string formatShape(const std::vector<int64_t> &shape);

/// Parses the `kiln_metadata` JSON of a compiled model.
std::vector<EntryPoint> parseMetadata(const std::string &json);

/// The signature every compiled entry point has.
using EntryFunction = void (*)(void **);
/// Frees a buffer a compiled entry point returned (and keeps whatever its
/// allocator needs, such as the model's library, alive until then).
using BufferReleaser = std::function<void(void *)>;

/// An output left in the buffer the model computed it in (no copy). `owner`
/// releases that buffer when the last output sharing it is destroyed.
struct OutputBuffer {
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;
  void *data = nullptr;
  std::shared_ptr<void> owner;
};

/// Validates `inputs` against `entry`, calls `function` and returns its
/// outputs in place: each dense output in the buffer the function allocated
/// (released through `release` once unused), the others (views of an input
/// or of a constant, strided results) copied into dense buffers.
std::vector<OutputBuffer>
invokeEntryPointInPlace(EntryFunction function, const EntryPoint &entry,
                        const std::vector<TensorRef> &inputs,
                        const BufferReleaser &release);

/// As invokeEntryPointInPlace, with the outputs copied into tensors the
/// caller owns.
std::vector<Tensor> invokeEntryPoint(EntryFunction function,
                                     const EntryPoint &entry,
                                     const std::vector<TensorRef> &inputs,
                                     const BufferReleaser &release = std::free);
std::vector<Tensor> invokeEntryPoint(EntryFunction function,
                                     const EntryPoint &entry,
                                     const std::vector<Tensor> &inputs,
                                     const BufferReleaser &release = std::free);

/// A compiled model: a loaded shared library or an in-process JIT module.
class Model {
public:
  virtual ~Model() = default;
  const std::vector<EntryPoint> &entryPoints() const { return entries_; }
  /// The entry point called `name`; throws if there is none.
  const EntryPoint &entryPoint(const std::string &name = "main") const;
  const std::string &metadataJson() const { return metadata_; }
  /// Runs entry point `name` on `inputs` (in the order of its inputs).
  std::vector<Tensor> run(const std::vector<Tensor> &inputs,
                          const std::string &name = "main") const;
  /// Runs it on tensors the caller owns, without copying them.
  std::vector<Tensor> runRefs(const std::vector<TensorRef> &inputs,
                              const std::string &name = "main") const;
  /// Runs it on tensors the caller owns and returns the outputs in the
  /// model's own buffers: neither inputs nor outputs are copied.
  std::vector<OutputBuffer> runInPlace(const std::vector<TensorRef> &inputs,
                                       const std::string &name = "main") const;
  /// The number of threads the kernels run on: `count` > 0, or 0 for the
  /// default (KILN_NUM_THREADS if set, else one per core). Throws on < 0.
  void setNumThreads(int count);
  /// The count set with setNumThreads (0: the default).
  int numThreads() const { return threads_; }

protected:
  void setMetadata(const std::string &json);
  virtual EntryFunction lookup(const std::string &symbol) const = 0;
  /// How the model's returned buffers are freed: by the allocator linked
  /// into it (lib/Runtime/ModelAllocator.c).
  virtual BufferReleaser bufferReleaser() const = 0;

private:
  std::string metadata_;
  std::vector<EntryPoint> entries_;
  int threads_ = 0;
};

/// The thread count KILN_NUM_THREADS asks for, or 0 when it is unset;
/// throws if it is not a positive integer.
int threadCountFromEnvironment();

/// Loads a model compiled by kiln-compile (or kiln::compileToFile).
std::unique_ptr<Model> loadModel(const std::string &path);

/// Reads and writes NumPy .npy files (little-endian, C order).
Tensor readNpy(const std::string &path);
void writeNpy(const std::string &path, const Tensor &tensor);

} // namespace kiln

#endif // KILN_RUNTIME_H
