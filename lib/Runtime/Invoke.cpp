//===- Invoke.cpp - Validate inputs and call an entry point ---------------===//
//
// Each input is passed as a pointer to an MLIR memref descriptor
// {allocated, aligned, offset, sizes[rank], strides[rank]}; the results come
// back as consecutive descriptors of buffers the compiled code allocated,
// which are handed to the caller in place (or copied out and released).
//
//===----------------------------------------------------------------------===//
#include "kiln/Runtime.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

using namespace kiln;

static void validate(const EntryPoint &entry,
                     const std::vector<TensorRef> &inputs) {
  if (inputs.size() != entry.inputs.size()) {
    std::string names;
    for (const TensorSpec &spec : entry.inputs)
      names += (names.empty() ? "" : ", ") + spec.name;
    throw Error("entry point '" + entry.name + "' expects " +
                std::to_string(entry.inputs.size()) + " inputs (" + names +
                "), got " + std::to_string(inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &spec = entry.inputs[i];
    const TensorRef &t = inputs[i];
    std::string where =
        "input '" + spec.name + "' (#" + std::to_string(i) + ")";
    if (t.dtype != spec.dtype)
      throw Error(where + ": expected dtype " + dtypeName(spec.dtype) +
                  ", got " + dtypeName(t.dtype));
    bool shapeOk = t.shape.size() == spec.shape.size();
    for (size_t d = 0; shapeOk && d < t.shape.size(); ++d)
      shapeOk =
          spec.shape[d] < 0 ? t.shape[d] >= 0 : t.shape[d] == spec.shape[d];
    if (!shapeOk)
      throw Error(where + ": expected shape " + formatShape(spec.shape) +
                  ", got " + formatShape(t.shape));
    int64_t elements = 1;
    for (int64_t d : t.shape)
      elements *= d;
    if (t.bytes != (size_t)elements * dtypeSize(t.dtype))
      throw Error(where + ": holds " + std::to_string(t.bytes) +
                  " bytes, but its shape and dtype need " +
                  std::to_string(elements * dtypeSize(t.dtype)));
  }
}

/// Copies a strided buffer into a dense tensor, a contiguous run of
/// trailing dimensions at a time.
static void copyStrided(const uint8_t *base, const int64_t *sizes,
                        const int64_t *strides, size_t rank, size_t elemSize,
                        uint8_t *out) {
  // The trailing dimensions [inner, rank) are dense in the source.
  size_t inner = rank;
  int64_t run = 1;
  while (inner > 0 && strides[inner - 1] == run) {
    --inner;
    run *= sizes[inner];
  }
  int64_t runs = 1;
  for (size_t d = 0; d < inner; ++d)
    runs *= sizes[d];
  size_t runBytes = run * elemSize;
  std::vector<int64_t> index(inner, 0);
  for (int64_t n = 0; n < runs; ++n) {
    int64_t offset = 0;
    for (size_t d = 0; d < inner; ++d)
      offset += index[d] * strides[d];
    std::memcpy(out + n * runBytes, base + offset * elemSize, runBytes);
    for (size_t d = inner; d-- > 0;) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
}

/// Whether a buffer of `sizes` with `strides` is dense and row-major.
static bool isDense(const int64_t *sizes, const int64_t *strides, size_t rank) {
  int64_t expected = 1;
  for (size_t d = rank; d-- > 0;) {
    if (sizes[d] != 1 && strides[d] != expected)
      return false;
    expected *= sizes[d];
  }
  return true;
}

/// Tensors holding copies of `buffers`.
static std::vector<Tensor> copyOut(const std::vector<OutputBuffer> &buffers) {
  std::vector<Tensor> tensors;
  for (const OutputBuffer &buffer : buffers) {
    Tensor tensor(buffer.dtype, buffer.shape);
    if (!tensor.data.empty())
      std::memcpy(tensor.data.data(), buffer.data, tensor.data.size());
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

std::vector<OutputBuffer>
kiln::invokeEntryPointInPlace(EntryFunction function, const EntryPoint &entry,
                              const std::vector<TensorRef> &inputs,
                              const BufferReleaser &release) {
  validate(entry, inputs);
  std::vector<std::vector<int64_t>> descriptors;
  for (const TensorRef &t : inputs) {
    std::vector<int64_t> desc(3 + 2 * t.shape.size());
    auto data = reinterpret_cast<intptr_t>(t.data);
    desc[0] = desc[1] = data;
    desc[2] = 0;
    int64_t stride = 1;
    for (size_t d = t.shape.size(); d-- > 0;) {
      desc[3 + d] = t.shape[d];
      desc[3 + t.shape.size() + d] = stride;
      stride *= t.shape[d];
    }
    descriptors.push_back(std::move(desc));
  }
  size_t resultWords = 0;
  for (const TensorSpec &spec : entry.outputs)
    resultWords += 3 + 2 * spec.shape.size();
  std::vector<int64_t> results(resultWords + 1, 0);
  std::vector<void *> args;
  args.push_back(results.data());
  for (auto &desc : descriptors)
    args.push_back(desc.data());
  function(args.data());

  // Each buffer the compiled code allocated is owned once (several outputs
  // may share one) and released when no output uses it: not inputs, not
  // constants (MLIR marks those 0xdeadbeef).
  std::set<intptr_t> inputBuffers;
  for (const TensorRef &t : inputs)
    inputBuffers.insert(reinterpret_cast<intptr_t>(t.data));
  std::map<intptr_t, std::shared_ptr<void>> owners;
  std::vector<OutputBuffer> outputs;
  size_t offset = 0;
  for (const TensorSpec &spec : entry.outputs) {
    size_t rank = spec.shape.size();
    const int64_t *desc = results.data() + offset;
    offset += 3 + 2 * rank;
    intptr_t allocated = desc[0];
    std::shared_ptr<void> owner;
    if (allocated && allocated != 0xdeadbeef &&
        !inputBuffers.count(allocated)) {
      std::shared_ptr<void> &shared = owners[allocated];
      if (!shared)
        shared =
            std::shared_ptr<void>(reinterpret_cast<void *>(allocated), release);
      owner = shared;
    }
    OutputBuffer out;
    out.dtype = spec.dtype;
    out.shape.assign(desc + 3, desc + 3 + rank);
    size_t elemSize = dtypeSize(spec.dtype);
    auto *first = reinterpret_cast<uint8_t *>(desc[1]) + desc[2] * elemSize;
    if (owner && isDense(desc + 3, desc + 3 + rank, rank)) {
      out.data = first;
      out.owner = std::move(owner);
    } else {
      int64_t elements = 1;
      for (int64_t size : out.shape)
        elements *= size;
      size_t bytes = std::max<size_t>(elements * elemSize, 1);
      out.owner = std::shared_ptr<void>(std::malloc(bytes), std::free);
      if (!out.owner)
        throw Error("out of memory for output '" + spec.name + "'");
      out.data = out.owner.get();
      if (elements > 0)
        copyStrided(first, desc + 3, desc + 3 + rank, rank, elemSize,
                    static_cast<uint8_t *>(out.data));
    }
    outputs.push_back(std::move(out));
  }
  return outputs;
}

std::vector<Tensor> kiln::invokeEntryPoint(EntryFunction function,
                                           const EntryPoint &entry,
                                           const std::vector<Tensor> &inputs,
                                           const BufferReleaser &release) {
  return invokeEntryPoint(function, entry,
                          std::vector<TensorRef>(inputs.begin(), inputs.end()),
                          release);
}

std::vector<Tensor> kiln::invokeEntryPoint(EntryFunction function,
                                           const EntryPoint &entry,
                                           const std::vector<TensorRef> &inputs,
                                           const BufferReleaser &release) {
  return copyOut(invokeEntryPointInPlace(function, entry, inputs, release));
}

const EntryPoint &Model::entryPoint(const std::string &name) const {
  for (const EntryPoint &e : entries_)
    if (e.name == name)
      return e;
  std::string names;
  for (const EntryPoint &e : entries_)
    names += (names.empty() ? "" : ", ") + e.name;
  throw Error("the model has no entry point '" + name + "' (it has: " + names +
              ")");
}

// From libomp, which runs the kernels' parallel loops (one copy per
// process, shared with the models).
extern "C" void omp_set_num_threads(int count);

int kiln::threadCountFromEnvironment() {
  const char *value = std::getenv("KILN_NUM_THREADS");
  if (!value || !*value)
    return 0;
  char *end = nullptr;
  long count = std::strtol(value, &end, 10);
  if (*end || count <= 0 || count > 4096)
    throw Error(std::string("KILN_NUM_THREADS='") + value +
                "' is not a positive number of threads");
  return static_cast<int>(count);
}

void Model::setNumThreads(int count) {
  if (count < 0)
    throw Error("the number of threads must be positive (or 0 for the "
                "default), got " +
                std::to_string(count));
  threads_ = count;
}

std::vector<Tensor> Model::run(const std::vector<Tensor> &inputs,
                               const std::string &name) const {
  return runRefs(std::vector<TensorRef>(inputs.begin(), inputs.end()), name);
}

std::vector<Tensor> Model::runRefs(const std::vector<TensorRef> &inputs,
                                   const std::string &name) const {
  return copyOut(runInPlace(inputs, name));
}

std::vector<OutputBuffer>
Model::runInPlace(const std::vector<TensorRef> &inputs,
                  const std::string &name) const {
  const EntryPoint &entry = entryPoint(name);
  EntryFunction function = lookup("_kiln_entry_" + name);
  // The OpenMP thread count is a setting of the calling thread: set it on
  // every call.
  if (int threads = threads_ ? threads_ : threadCountFromEnvironment())
    omp_set_num_threads(threads);
  return invokeEntryPointInPlace(function, entry, inputs, bufferReleaser());
}

void Model::setMetadata(const std::string &json) {
  metadata_ = json;
  entries_ = parseMetadata(json);
}
