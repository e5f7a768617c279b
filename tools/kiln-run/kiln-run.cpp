//===- kiln-run.cpp - Run a compiled model on .npy inputs -----------------===//
//
//   kiln-run model.so --input x=x.npy [--input ...] [--output-dir out/]
//            [--entry main] [--benchmark=N] [--threads=N] [--info]
//
// --threads sets the number of threads the kernels run on (default:
// KILN_NUM_THREADS, else one per core).
//
//===----------------------------------------------------------------------===//
#include "kiln/Runtime.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace kiln;

namespace {
struct Arguments {
  std::string model;
  std::vector<std::pair<std::string, std::string>> inputs; // name (or ""), path
  std::string outputDir;
  std::string entry = "main";
  int benchmark = 0;
  int threads = 0;
  bool info = false;
};

void usage() {
  std::cerr
      << "usage: kiln-run model.so --input NAME=FILE.npy ... "
         "[--output-dir DIR] [--entry NAME] [--benchmark=N] [--threads=N] "
         "[--info]\n";
}

/// Parses `text` as the positive count of `flag`; reports it otherwise.
bool parsePositive(const char *flag, const std::string &text, int &count) {
  count = std::atoi(text.c_str());
  if (count > 0)
    return true;
  std::cerr << "kiln-run: " << flag << " needs a positive count, got '" << text
            << "'\n";
  return false;
}

bool parseArguments(int argc, char **argv, Arguments &args) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const std::string &flag) -> std::optional<std::string> {
      if (a.rfind(flag + "=", 0) == 0)
        return a.substr(flag.size() + 1);
      if (a == flag && i + 1 < argc)
        return std::string(argv[++i]);
      return std::nullopt;
    };
    if (auto v = value("--input")) {
      size_t eq = v->find('=');
      if (eq == std::string::npos)
        args.inputs.emplace_back("", *v);
      else
        args.inputs.emplace_back(v->substr(0, eq), v->substr(eq + 1));
    } else if (auto v = value("--output-dir")) {
      args.outputDir = *v;
    } else if (auto v = value("--entry")) {
      args.entry = *v;
    } else if (auto v = value("--benchmark")) {
      if (!parsePositive("--benchmark", *v, args.benchmark))
        return false;
    } else if (auto v = value("--threads")) {
      if (!parsePositive("--threads", *v, args.threads))
        return false;
    } else if (a == "--info") {
      args.info = true;
    } else if (a == "-h" || a == "--help") {
      return false;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "kiln-run: unknown option '" << a << "'\n";
      return false;
    } else if (args.model.empty()) {
      args.model = a;
    } else {
      std::cerr << "kiln-run: unexpected argument '" << a << "'\n";
      return false;
    }
  }
  if (args.model.empty()) {
    std::cerr << "kiln-run: no model given\n";
    return false;
  }
  return true;
}

/// Orders the --input files as the entry point's inputs.
std::vector<Tensor> gatherInputs(const EntryPoint &entry,
                                 const Arguments &args) {
  std::map<std::string, std::string> byName;
  std::vector<std::string> positional;
  for (const auto &input : args.inputs) {
    const std::string &name = input.first, &path = input.second;
    if (name.empty()) {
      positional.push_back(path);
      continue;
    }
    bool known =
        std::any_of(entry.inputs.begin(), entry.inputs.end(),
                    [&](const TensorSpec &s) { return s.name == name; });
    if (!known) {
      std::string names;
      for (const TensorSpec &s : entry.inputs)
        names += (names.empty() ? "" : ", ") + s.name;
      throw Error("entry point '" + entry.name + "' has no input '" + name +
                  "' (its inputs: " + names + ")");
    }
    byName[name] = path;
  }
  std::vector<Tensor> tensors;
  size_t next = 0;
  for (const TensorSpec &spec : entry.inputs) {
    auto it = byName.find(spec.name);
    if (it != byName.end())
      tensors.push_back(readNpy(it->second));
    else if (next < positional.size())
      tensors.push_back(readNpy(positional[next++]));
    else
      throw Error("missing input '" + spec.name + "' (" +
                  dtypeName(spec.dtype) + " " + formatShape(spec.shape) +
                  "); pass --input " + spec.name + "=FILE.npy");
  }
  if (next < positional.size())
    throw Error("too many inputs: entry point '" + entry.name + "' takes " +
                std::to_string(entry.inputs.size()));
  return tensors;
}

void printSummary(const std::string &name, const Tensor &t) {
  std::cout << name << ": " << dtypeName(t.dtype) << " "
            << formatShape(t.shape);
  if (t.dtype == DType::Float32 && t.numElements() > 0) {
    const float *v = t.as<float>();
    std::cout << " first=[";
    for (int64_t i = 0; i < std::min<int64_t>(4, t.numElements()); ++i)
      std::cout << (i ? ", " : "") << v[i];
    std::cout << "]";
  }
  std::cout << "\n";
}
} // namespace

int main(int argc, char **argv) {
  Arguments args;
  if (!parseArguments(argc, argv, args)) {
    usage();
    return 2;
  }
  try {
    std::unique_ptr<Model> model = loadModel(args.model);
    model->setNumThreads(args.threads);
    if (args.info) {
      std::cout << model->metadataJson() << "\n";
      return 0;
    }
    const EntryPoint &entry = model->entryPoint(args.entry);
    std::vector<Tensor> inputs = gatherInputs(entry, args);
    std::vector<Tensor> outputs = model->run(inputs, args.entry);
    if (!args.outputDir.empty()) {
      std::error_code error;
      std::filesystem::create_directories(args.outputDir, error);
      if (error)
        throw Error("cannot create the output directory '" + args.outputDir +
                    "': " + error.message());
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string &name = entry.outputs[i].name;
      printSummary(name, outputs[i]);
      if (!args.outputDir.empty())
        writeNpy(args.outputDir + "/" + name + ".npy", outputs[i]);
    }
    if (args.benchmark > 0) {
      std::vector<double> times;
      for (int i = 0; i < args.benchmark; ++i) {
        auto start = std::chrono::steady_clock::now();
        model->run(inputs, args.entry);
        times.push_back(std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count());
      }
      std::sort(times.begin(), times.end());
      std::printf(
          "benchmark: %d runs, median %.4f ms, min %.4f ms, max %.4f ms\n",
          args.benchmark, times[times.size() / 2], times.front(), times.back());
    }
  } catch (const Error &e) {
    std::cerr << "kiln-run: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
