//===- XGBoostModel.cpp - the learned cost model --------------------------===//
//
// An XGBoost regression of log(measured / analytical latency): the trees
// learn where the analytical model is wrong, on the kernel features plus
// the analytical estimate itself. Kiln's metadata (schema hash, target,
// training models, metrics) is stored as booster attributes, and so is the
// kernel-offset booster of a two-booster model (as its JSON text), so the
// model is one JSON file.
//
//===----------------------------------------------------------------------===//
#include "costmodel/CostModel.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <xgboost/c_api.h>

#include <cmath>

using namespace mlir::kiln;
using namespace mlir::kiln::costmodel;

namespace {

llvm::Error modelError(llvm::StringRef path, const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cost model '" + path + "': " + what);
}

/// Owns a booster handle.
struct Booster {
  BoosterHandle handle = nullptr;
  ~Booster() {
    if (handle)
      XGBoosterFree(handle);
  }
};

struct Matrix {
  DMatrixHandle handle = nullptr;
  ~Matrix() {
    if (handle)
      XGDMatrixFree(handle);
  }
};

/// Rows of the learned model's input: the features and the log2 of the
/// analytical estimate.
std::vector<float> modelInputs(llvm::ArrayRef<KernelFeatures> features,
                               const Target &target, size_t &columns) {
  std::vector<float> rows;
  columns = featureNames().size() + 1;
  rows.reserve(features.size() * columns);
  for (const KernelFeatures &f : features) {
    std::vector<float> row = f.toVector();
    rows.insert(rows.end(), row.begin(), row.end());
    rows.push_back(std::log2(analyticalLatency(f, target)));
  }
  return rows;
}

/// Rows of the kernel-offset booster's input: the kernel-level features.
std::vector<float> kernelInputs(llvm::ArrayRef<KernelFeatures> features,
                                size_t &columns) {
  std::vector<float> rows;
  for (const KernelFeatures &f : features) {
    std::vector<float> row = f.toKernelVector();
    columns = row.size();
    rows.insert(rows.end(), row.begin(), row.end());
  }
  return rows;
}

constexpr const char *kOffsetBoosterAttribute = "kiln_offset_booster";

/// Predictions of `booster` for `count` rows of `columns`; empty on failure.
std::vector<float> predictRows(BoosterHandle booster,
                               const std::vector<float> &rows, size_t count,
                               size_t columns) {
  Matrix matrix;
  const float *predictions = nullptr;
  bst_ulong predicted = 0;
  if (XGDMatrixCreateFromMat(rows.data(), count, columns, NAN,
                             &matrix.handle) != 0 ||
      XGBoosterPredict(booster, matrix.handle, 0, 0, 0, &predicted,
                       &predictions) != 0 ||
      predicted != count)
    return {};
  return std::vector<float>(predictions, predictions + count);
}

std::string getAttribute(BoosterHandle booster, const char *key) {
  const char *value = nullptr;
  int found = 0;
  if (XGBoosterGetAttr(booster, key, &value, &found) != 0 || !found)
    return "";
  return value;
}

std::vector<std::string> splitList(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ',', -1, /*KeepEmpty=*/false);
  return std::vector<std::string>(parts.begin(), parts.end());
}

std::map<std::string, std::string> parseMap(llvm::StringRef text) {
  std::map<std::string, std::string> result;
  for (const std::string &entry : splitList(text)) {
    auto [key, value] = llvm::StringRef(entry).split('=');
    result[key.str()] = value.str();
  }
  return result;
}

std::string joinMap(const std::map<std::string, std::string> &map) {
  std::string text;
  for (const auto &[key, value] : map)
    text += (text.empty() ? "" : ",") + key + "=" + value;
  return text;
}

llvm::Expected<LearnedModelInfo> readInfo(BoosterHandle booster,
                                          llvm::StringRef path) {
  LearnedModelInfo info;
  info.schemaHash = getAttribute(booster, "kiln_schema");
  info.target = getAttribute(booster, "kiln_target");
  if (info.schemaHash.empty() || info.target.empty())
    return modelError(path, "an XGBoost model without Kiln's metadata "
                            "(kiln_schema, kiln_target): not written by "
                            "kiln-tune train");
  info.date = getAttribute(booster, "kiln_date");
  info.objective = getAttribute(booster, "kiln_objective");
  info.trainingModels =
      splitList(getAttribute(booster, "kiln_training_models"));
  info.heldOutModels = splitList(getAttribute(booster, "kiln_held_out_models"));
  info.hyperparameters =
      parseMap(getAttribute(booster, "kiln_hyperparameters"));
  info.metrics = parseMap(getAttribute(booster, "kiln_metrics"));
  llvm::to_integer(getAttribute(booster, "kiln_training_rows"),
                   info.trainingRows);
  return info;
}

llvm::Error loadBooster(Booster &booster, llvm::StringRef path) {
  if (!llvm::sys::fs::exists(path))
    return modelError(path, "no such file");
  if (XGBoosterCreate(nullptr, 0, &booster.handle) != 0)
    return modelError(path, XGBGetLastError());
  if (XGBoosterLoadModel(booster.handle, path.str().c_str()) != 0)
    return modelError(path,
                      llvm::Twine("not a valid XGBoost model: ") +
                          llvm::StringRef(XGBGetLastError()).split('\n').first);
  return llvm::Error::success();
}

class LearnedModel : public CostModel {
public:
  LearnedModel(const Target &target, std::string path, LearnedModelInfo info)
      : CostModel(target), path(std::move(path)), info(std::move(info)) {}

  CostModelKind getKind() const override { return CostModelKind::Learned; }
  std::string describe() const override {
    return "learned model " + path + " (" + info.target + ", schema " +
           info.schemaHash + ", trained " + info.date + " on " +
           std::to_string(info.trainingModels.size()) + " models)";
  }

  std::vector<Cost>
  predict(llvm::ArrayRef<KernelFeatures> features) const override {
    std::vector<Cost> costs;
    if (features.empty())
      return costs;
    size_t columns, kernelColumns = 0;
    std::vector<float> rows = modelInputs(features, target, columns);
    std::vector<float> predictions =
        predictRows(booster.handle, rows, features.size(), columns);
    std::vector<float> offsets(features.size(), 0.0f);
    if (offset.handle)
      offsets =
          predictRows(offset.handle, kernelInputs(features, kernelColumns),
                      features.size(), kernelColumns);
    if (predictions.empty() || offsets.empty()) {
      // A model that loaded but cannot predict: fall back per candidate.
      for (const KernelFeatures &f : features)
        costs.push_back({analyticalLatency(f, target)});
      return costs;
    }
    for (size_t i = 0; i < features.size(); ++i)
      costs.push_back({std::exp2(rows[i * columns + columns - 1] + offsets[i] +
                                 predictions[i])});
    return costs;
  }

  Booster booster;
  /// The kernel-offset booster of a two-booster model, else null.
  Booster offset;

private:
  std::string path;
  LearnedModelInfo info;
};

std::string today() {
  time_t now = time(nullptr);
  char buffer[16];
  strftime(buffer, sizeof(buffer), "%Y-%m-%d", gmtime(&now));
  return buffer;
}

} // namespace

std::string costmodel::defaultLearnedModelPath(const Target &target) {
  llvm::SmallString<256> path(costModelDirectory());
  llvm::sys::path::append(path, "models", target.name + ".json");
  return std::string(path);
}

llvm::Expected<LearnedModelInfo>
costmodel::readLearnedModelInfo(llvm::StringRef path) {
  Booster booster;
  if (llvm::Error error = loadBooster(booster, path))
    return std::move(error);
  return readInfo(booster.handle, path);
}

llvm::Error costmodel::setLearnedModelMetrics(
    llvm::StringRef path, const std::map<std::string, std::string> &metrics) {
  Booster booster;
  if (llvm::Error error = loadBooster(booster, path))
    return error;
  if (XGBoosterSetAttr(booster.handle, "kiln_metrics",
                       joinMap(metrics).c_str()) ||
      XGBoosterSaveModel(booster.handle, path.str().c_str()))
    return modelError(path, llvm::Twine("XGBoost: ") + XGBGetLastError());
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<CostModel>>
costmodel::loadLearnedModel(llvm::StringRef path, const Target &target) {
  auto model =
      std::make_unique<LearnedModel>(target, path.str(), LearnedModelInfo());
  if (llvm::Error error = loadBooster(model->booster, path))
    return std::move(error);
  llvm::Expected<LearnedModelInfo> info = readInfo(model->booster.handle, path);
  if (!info)
    return info.takeError();
  if (info->schemaHash != featureSchemaHash())
    return modelError(path, "trained on feature schema " + info->schemaHash +
                                ", but this Kiln computes schema " +
                                featureSchemaHash() + "; retrain it");
  if (info->target != target.name)
    return modelError(path, "trained for target " + info->target +
                                ", not for " + target.name);
  auto loaded = std::make_unique<LearnedModel>(target, path.str(), *info);
  std::swap(loaded->booster.handle, model->booster.handle);
  std::string offsetText =
      getAttribute(loaded->booster.handle, kOffsetBoosterAttribute);
  if (!offsetText.empty() &&
      (XGBoosterCreate(nullptr, 0, &loaded->offset.handle) != 0 ||
       XGBoosterLoadModelFromBuffer(loaded->offset.handle, offsetText.data(),
                                    offsetText.size()) != 0))
    return modelError(path,
                      llvm::Twine("its kernel-offset booster is not a "
                                  "valid XGBoost model: ") +
                          llvm::StringRef(XGBGetLastError()).split('\n').first);
  return std::unique_ptr<CostModel>(std::move(loaded));
}

namespace {

/// Fits a booster to `labels` of `count` rows of `columns`.
llvm::Error fitBooster(const std::vector<float> &rows, size_t count,
                       size_t columns, const std::vector<float> &labels,
                       const std::map<std::string, std::string> &parameters,
                       int rounds, Booster &booster, llvm::StringRef path) {
  auto check = [&](int status) -> llvm::Error {
    if (status == 0)
      return llvm::Error::success();
    return modelError(path, llvm::Twine("XGBoost: ") + XGBGetLastError());
  };
  Matrix matrix;
  if (llvm::Error error = check(XGDMatrixCreateFromMat(
          rows.data(), count, columns, NAN, &matrix.handle)))
    return error;
  if (llvm::Error error = check(XGDMatrixSetFloatInfo(
          matrix.handle, "label", labels.data(), labels.size())))
    return error;
  if (llvm::Error error =
          check(XGBoosterCreate(&matrix.handle, 1, &booster.handle)))
    return error;
  for (const auto &[key, value] : parameters)
    if (llvm::Error error = check(
            XGBoosterSetParam(booster.handle, key.c_str(), value.c_str())))
      return error;
  for (int round = 0; round < rounds; ++round)
    if (llvm::Error error =
            check(XGBoosterUpdateOneIter(booster.handle, round, matrix.handle)))
      return error;
  return llvm::Error::success();
}

/// The mean of `values` over the rows of each kernel, per row.
std::vector<float> kernelMeans(const std::vector<float> &values,
                               const std::vector<int64_t> &kernels) {
  std::map<int64_t, std::pair<double, int>> sums;
  for (size_t i = 0; i < values.size(); ++i) {
    sums[kernels[i]].first += values[i];
    ++sums[kernels[i]].second;
  }
  std::vector<float> means;
  for (int64_t kernel : kernels)
    means.push_back(sums[kernel].first / sums[kernel].second);
  return means;
}

} // namespace

llvm::Error costmodel::trainLearnedModel(const TrainingSet &data,
                                         const Target &target,
                                         const TrainingParameters &parameters,
                                         LearnedModelInfo info,
                                         llvm::StringRef path) {
  if (data.features.empty())
    return modelError(path, "no training rows");
  bool twoBoosters =
      parameters.objective == LearnedObjective::KernelOffsetAndDeviation;
  if (twoBoosters && data.kernels.size() != data.features.size())
    return modelError(path, "the kernel-offset objective needs the kernel "
                            "of every training row");
  size_t count = data.features.size(), columns;
  std::vector<float> rows = modelInputs(data.features, target, columns);
  std::vector<float> labels;
  for (size_t i = 0; i < count; ++i)
    labels.push_back(std::log2(data.latencies[i]) -
                     rows[i * columns + columns - 1]);
  info.hyperparameters = {
      {"objective", "reg:squarederror"},
      {"max_depth", std::to_string(parameters.maxDepth)},
      {"eta", llvm::formatv("{0}", parameters.learningRate).str()},
      {"subsample", llvm::formatv("{0}", parameters.subsample).str()},
      {"colsample_bytree", llvm::formatv("{0}", parameters.columnSample).str()},
      {"min_child_weight",
       llvm::formatv("{0}", parameters.minChildWeight).str()},
      {"seed", std::to_string(parameters.seed)},
      {"nthread", "2"}};

  Booster booster, offset;
  std::string offsetText;
  if (twoBoosters) {
    std::vector<float> means = kernelMeans(labels, data.kernels);
    for (size_t i = 0; i < count; ++i)
      labels[i] -= means[i];
    size_t kernelColumns = 0;
    if (llvm::Error error = fitBooster(
            kernelInputs(data.features, kernelColumns), count, kernelColumns,
            means, info.hyperparameters, parameters.rounds, offset, path))
      return error;
    bst_ulong length = 0;
    const char *text = nullptr;
    if (XGBoosterSaveModelToBuffer(offset.handle, R"({"format": "json"})",
                                   &length, &text) != 0)
      return modelError(path, llvm::Twine("XGBoost: ") + XGBGetLastError());
    offsetText.assign(text, length);
  }
  if (llvm::Error error =
          fitBooster(rows, count, columns, labels, info.hyperparameters,
                     parameters.rounds, booster, path))
    return error;
  info.hyperparameters["rounds"] = std::to_string(parameters.rounds);

  info.schemaHash = featureSchemaHash();
  info.target = target.name;
  info.objective = twoBoosters
                       ? "log2(measured/analytical) regression: kernel mean "
                         "from kernel features + deviation from it"
                       : "log2(measured/analytical) regression";
  info.date = today();
  info.trainingRows = count;
  std::map<std::string, std::string> attributes = {
      {"kiln_schema", info.schemaHash},
      {"kiln_target", info.target},
      {"kiln_date", info.date},
      {"kiln_objective", info.objective},
      {"kiln_training_models", llvm::join(info.trainingModels, ",")},
      {"kiln_held_out_models", llvm::join(info.heldOutModels, ",")},
      {"kiln_hyperparameters", joinMap(info.hyperparameters)},
      {"kiln_metrics", joinMap(info.metrics)},
      {"kiln_training_rows", std::to_string(info.trainingRows)}};
  if (twoBoosters)
    attributes[kOffsetBoosterAttribute] = offsetText;
  for (const auto &[key, value] : attributes)
    if (XGBoosterSetAttr(booster.handle, key.c_str(), value.c_str()) != 0)
      return modelError(path, llvm::Twine("XGBoost: ") + XGBGetLastError());
  if (XGBoosterSaveModel(booster.handle, path.str().c_str()) != 0)
    return modelError(path, llvm::Twine("XGBoost: ") + XGBGetLastError());
  return llvm::Error::success();
}
