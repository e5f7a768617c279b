//===- Measure.cpp - compile and time one kernel's candidates -------------===//
#include "Measure.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

using namespace kiln;

std::unique_ptr<Model> kiln::compileKernel(const std::string &kernel,
                                           const std::string &schedule,
                                           const CompileOptions &options) {
  CompileOptions kernelOptions = options;
  kernelOptions.inputIsKernels = true;
  kernelOptions.forceSchedule = schedule;
  kernelOptions.tune = 0;
  kernelOptions.explain = false;
  return compileToJit(kernel, kernelOptions, "<kernel>");
}

std::vector<Tensor> kiln::randomInputs(const EntryPoint &entry, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<Tensor> inputs;
  for (const TensorSpec &spec : entry.inputs) {
    if (std::any_of(spec.shape.begin(), spec.shape.end(),
                    [](int64_t d) { return d < 0; }))
      throw Error("input '" + spec.name + "' has a dynamic shape " +
                  formatShape(spec.shape) + ": it cannot be timed");
    Tensor tensor(spec.dtype, spec.shape);
    if (spec.dtype == DType::Float32)
      for (int64_t i = 0, e = tensor.numElements(); i < e; ++i)
        tensor.as<float>()[i] = uniform(random);
    inputs.push_back(std::move(tensor));
  }
  return inputs;
}

namespace {

using Clock = std::chrono::steady_clock;

double secondsPerRun(const Model &model, const std::vector<TensorRef> &inputs,
                     int64_t runs) {
  auto start = Clock::now();
  for (int64_t i = 0; i < runs; ++i)
    model.runInPlace(inputs);
  return std::chrono::duration<double>(Clock::now() - start).count() / runs;
}

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  double position = q * (values.size() - 1);
  size_t low = (size_t)position;
  size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (position - low) * (values[high] - values[low]);
}

} // namespace

std::vector<Timing>
kiln::measureInterleaved(const std::vector<Model *> &models,
                                             const std::vector<Tensor> &inputs,
                                             const MeasureOptions &options) {
  std::vector<TensorRef> refs(inputs.begin(), inputs.end());
  // Warm up (page faults, thread start) and size each visit.
  std::vector<int64_t> runs;
  for (Model *model : models) {
    model->setNumThreads(options.threads);
    double once = secondsPerRun(*model, refs, 1);
    once = std::min(once, secondsPerRun(*model, refs, 1));
    runs.push_back(std::max<int64_t>(1, (int64_t)(options.minSeconds / once)));
  }
  std::vector<std::vector<double>> samples(models.size());
  std::vector<size_t> order(models.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 random(options.seed);
  for (int round = 0; round < options.rounds; ++round) {
    std::shuffle(order.begin(), order.end(), random);
    for (size_t i : order)
      samples[i].push_back(secondsPerRun(*models[i], refs, runs[i]));
  }
  std::vector<Timing> timings;
  for (const std::vector<double> &s : samples) {
    Timing timing;
    timing.median = quantile(s, 0.5);
    timing.spread = (quantile(s, 0.75) - quantile(s, 0.25)) / timing.median;
    timings.push_back(timing);
  }
  return timings;
}
