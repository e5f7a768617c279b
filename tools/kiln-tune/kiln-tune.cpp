//===- kiln-tune.cpp - cost-model data, training and evaluation -----------===//
//
//   kiln-tune collect model.onnx model2.mlir ... --out data.jsonl.gz
//   kiln-tune train data.jsonl.gz --out model.json --hold-out=resnet18,bert
//   kiln-tune eval data.jsonl.gz --model model.json [--report
//   per-candidate.csv]
//
//===----------------------------------------------------------------------===//
#include "lib/Tuning/Tuning.h"

#include "kiln/Runtime.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::SubCommand
    collectCommand("collect",
                   "Compile and time the candidate schedules of every distinct "
                   "kernel of some models, appending to a dataset (resumable)");
static cl::SubCommand trainCommand(
    "train", "Train the learned cost model on a dataset, holding out models");
static cl::SubCommand evalCommand(
    "eval", "Compare the learned model, the analytical model, the heuristic "
            "and random picks on the held-out models of a dataset");

static cl::list<std::string>
    collectModels(cl::Positional, cl::OneOrMore,
                  cl::desc("<model .onnx or .mlir>..."),
                  cl::sub(collectCommand));
static cl::opt<std::string> collectOut("out", cl::Required,
                                       cl::desc("dataset to append to "
                                                "(.jsonl, or .jsonl.gz)"),
                                       cl::sub(collectCommand));
static cl::opt<int> maxCandidates("max-candidates",
                                  cl::desc("candidates measured per kernel"),
                                  cl::init(24), cl::sub(collectCommand));
static cl::opt<int> rounds("rounds", cl::desc("interleaved timing rounds"),
                           cl::init(5), cl::sub(collectCommand));
static cl::opt<double>
    minMilliseconds("min-ms",
                    cl::desc("each timing visit runs a candidate this long"),
                    cl::init(5), cl::sub(collectCommand));
static cl::opt<int> retestEvery("retest-every",
                                cl::desc("measure every N-th kernel twice "
                                         "(test-retest); 0 for none"),
                                cl::init(3), cl::sub(collectCommand));
static cl::opt<int> core("core", cl::desc("core to measure on (-1: the last)"),
                         cl::init(-1), cl::sub(collectCommand));
static cl::opt<unsigned> seed("seed", cl::desc("random seed"), cl::init(0),
                              cl::sub(collectCommand), cl::sub(trainCommand));
static cl::opt<bool> exhaustiveOnly(
    "exhaustive-only",
    cl::desc("only kernels with at most --max-candidates candidates, all "
             "measured"),
    cl::init(false), cl::sub(collectCommand));
static cl::opt<bool> quiet("quiet", cl::desc("no progress bar"),
                           cl::init(false), cl::sub(collectCommand));

static cl::opt<std::string> trainData(cl::Positional, cl::Required,
                                      cl::desc("<dataset>"),
                                      cl::sub(trainCommand));
static cl::opt<std::string> trainOut("out", cl::Required,
                                     cl::desc("model file to write (.json)"),
                                     cl::sub(trainCommand));
static cl::list<std::string> holdOut("hold-out", cl::CommaSeparated,
                                     cl::desc("models kept out of training"),
                                     cl::sub(trainCommand));
static cl::opt<int> trainRounds("boost-rounds",
                                cl::desc("XGBoost boosting rounds"),
                                cl::init(400), cl::sub(trainCommand));
static cl::opt<int> maxDepth("max-depth", cl::desc("tree depth"), cl::init(6),
                             cl::sub(trainCommand));
static cl::opt<mlir::kiln::costmodel::LearnedObjective> objective(
    "objective", cl::desc("what the trees fit"),
    cl::values(
        clEnumValN(
            mlir::kiln::costmodel::LearnedObjective::KernelOffsetAndDeviation,
            "kernel-offset",
            "two boosters: each kernel's mean correction of the "
            "analytical model, and each candidate's deviation from it"),
        clEnumValN(mlir::kiln::costmodel::LearnedObjective::Residual,
                   "residual", "one booster: each candidate's correction")),
    cl::init(mlir::kiln::costmodel::LearnedObjective::Residual),
    cl::sub(trainCommand));
static cl::opt<double> learningRate("eta", cl::desc("learning rate"),
                                    cl::init(0.05), cl::sub(trainCommand));

static cl::opt<std::string> evalData(cl::Positional, cl::Required,
                                     cl::desc("<dataset>"),
                                     cl::sub(evalCommand));
static cl::opt<std::string> evalModel("model", cl::Required,
                                      cl::desc("the learned model to evaluate"),
                                      cl::sub(evalCommand));
static cl::opt<std::string> report("report",
                                   cl::desc("write per-candidate predictions "
                                            "and measurements as CSV"),
                                   cl::init(""), cl::sub(evalCommand));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Kiln cost-model tuner: collect | train | eval (each has --help)\n");
  try {
    if (collectCommand) {
      kiln::tuning::CollectOptions options;
      options.models.assign(collectModels.begin(), collectModels.end());
      options.output = collectOut;
      options.maxCandidates = maxCandidates;
      options.rounds = rounds;
      options.minSeconds = minMilliseconds / 1000;
      options.retestEvery = retestEvery;
      options.core = core;
      options.seed = seed;
      options.quiet = quiet;
      options.exhaustiveOnly = exhaustiveOnly;
      kiln::tuning::collect(options);
    } else if (trainCommand) {
      kiln::tuning::TrainOptions options;
      options.data = trainData;
      options.output = trainOut;
      options.heldOut.assign(holdOut.begin(), holdOut.end());
      options.parameters.rounds = trainRounds;
      options.parameters.maxDepth = maxDepth;
      options.parameters.learningRate = learningRate;
      options.parameters.seed = seed;
      options.parameters.objective = objective;
      kiln::tuning::train(options);
    } else if (evalCommand) {
      kiln::tuning::evaluate({evalData, evalModel, report});
    } else {
      errs() << "kiln-tune: name a subcommand: collect, train or eval "
                "(kiln-tune --help)\n";
      return 1;
    }
  } catch (const kiln::Error &e) {
    errs() << "kiln-tune: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
