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
    handle_ = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_)
      throw Error("cannot load model '" + path + "': " + dlerror());
    auto *metadata = static_cast<const char *>(dlsym(handle_, "kiln_metadata"));
    if (!metadata) {
      dlclose(handle_);
      throw Error("'" + path +
                  "' is not a Kiln model: it has no kiln_metadata symbol");
    }
    setMetadata(metadata);
    // Models compiled before Kiln linked its allocator into them used malloc.
    if (void *release = dlsym(handle_, "kiln_model_free"))
      release_ = reinterpret_cast<ReleaseFunction>(release);
  }
  ~SharedLibraryModel() override { dlclose(handle_); }

protected:
  EntryFunction lookup(const std::string &symbol) const override {
    void *fn = dlsym(handle_, symbol.c_str());
    if (!fn)
      throw Error("model '" + path_ + "' lacks the symbol " + symbol);
    return reinterpret_cast<EntryFunction>(fn);
  }

  ReleaseFunction releaseFunction() const override { return release_; }

private:
  std::string path_;
  void *handle_ = nullptr;
  ReleaseFunction release_ = std::free;
};
} // namespace

std::unique_ptr<Model> kiln::loadModel(const std::string &path) {
  return std::make_unique<SharedLibraryModel>(path);
}
