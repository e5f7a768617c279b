//===- SharedLibraryModel.cpp - Models loaded from .so files --------------===//
#include "kiln/Runtime.h"

#include <dlfcn.h>
#include <fstream>

using namespace kiln;

namespace {
class SharedLibraryModel : public Model {
public:
  explicit SharedLibraryModel(const std::string &path) : path_(path) {
    if (!std::ifstream(path).good())
      throw Error("cannot open model '" + path + "': no such file");
    // dlopen searches the library path for names without a slash.
    std::string file = path.find('/') == std::string::npos ? "./" + path : path;
    void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      throw Error("cannot load model '" + path + "': " + dlerror());
    library_ = std::shared_ptr<void>(handle, dlclose);
    auto *metadata = static_cast<const char *>(dlsym(handle, "kiln_metadata"));
    if (!metadata)
      throw Error("'" + path +
                  "' is not a Kiln model: it has no kiln_metadata symbol");
    setMetadata(metadata);
    // Models compiled before Kiln linked its allocator into them used malloc.
    if (void *release = dlsym(handle, "kiln_model_free"))
      release_ = reinterpret_cast<void (*)(void *)>(release);
  }

protected:
  EntryFunction lookup(const std::string &symbol) const override {
    void *fn = dlsym(library_.get(), symbol.c_str());
    if (!fn)
      throw Error("model '" + path_ + "' lacks the symbol " + symbol);
    return reinterpret_cast<EntryFunction>(fn);
  }

  /// Buffers returned in place keep the library loaded until released.
  BufferReleaser bufferReleaser() const override {
    return [library = library_, release = release_](void *buffer) {
      release(buffer);
    };
  }

private:
  std::string path_;
  std::shared_ptr<void> library_;
  void (*release_)(void *) = std::free;
};
} // namespace

std::unique_ptr<Model> kiln::loadModel(const std::string &path) {
  return std::make_unique<SharedLibraryModel>(path);
}
