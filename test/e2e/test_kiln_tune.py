"""kiln-tune collect -> train -> eval on two tiny models, kiln-compile --tune,
and the errors of both on bad input."""
import csv
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kiln_e2e import run_tool
from test_tool_errors import expect_error

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(
    r"^cost-model: learned top1=[0-9.]+ top5=[0-9.]+ pairwise=[0-9.]+ "
    r"tau=-?[0-9.]+ ceiling=-?[0-9.]+ \| analytical top1=[0-9.]+ "
    r"pairwise=[0-9.]+ tau=-?[0-9.]+ \| heuristic top1=[0-9.]+$")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Two tiny ONNX models, their dataset and a model trained on one."""
    work = tmp_path_factory.mktemp("tune")
    subprocess.run([sys.executable, ROOT / "costmodel/corpus/export_models.py",
                    work, "--tiny"], check=True, capture_output=True)
    data = work / "data.jsonl.gz"
    models = [work / "tiny_mlp.onnx", work / "tiny_cnn.onnx"]
    run_tool("kiln-tune", "collect", *models, "--out", data,
             "--max-candidates=4", "--rounds=2", "--min-ms=0.5",
             "--retest-every=1", "--quiet", timeout=300)
    model = work / "model.json"
    run_tool("kiln-tune", "train", data, "--out", model, "--hold-out=tiny_cnn",
             "--boost-rounds=20")
    return work, models, data, model


def records(path):
    with gzip.open(path, "rt") as f:
        return [json.loads(line) for line in f]


def test_collect_writes_a_record_per_distinct_kernel(tiny):
    _, _, data, _ = tiny
    rows = records(data)
    assert {r["model"] for r in rows} == {"tiny_mlp", "tiny_cnn"}
    for r in rows:
        assert len(r["candidates"]) >= 2
        assert r["heuristic"] in [c["schedule"] for c in r["candidates"]]
        assert all(c["latency"] > 0 and "retest" in c for c in r["candidates"])
        assert "kiln_kernel.dispatch" in r["kernel"]
    assert len({(r["model"], r["hash"]) for r in rows}) == len(rows)


def test_collect_resumes_without_measuring_again(tiny):
    _, models, data, _ = tiny
    before = len(records(data))
    run_tool("kiln-tune", "collect", *models, "--out", data, "--quiet")
    assert len(records(data)) == before


def test_train_records_its_metadata(tiny):
    _, _, _, model = tiny
    learner = json.loads(model.read_text())["learner"]["attributes"]
    assert learner["kiln_training_models"] == "tiny_mlp"
    assert learner["kiln_held_out_models"] == "tiny_cnn"
    assert learner["kiln_target"].startswith("x86_64-")
    assert "max_depth=6" in learner["kiln_hyperparameters"]
    assert "top1=" in learner["kiln_metrics"]


def test_eval_compares_on_the_held_out_model(tiny):
    work, _, data, model = tiny
    report = work / "report.csv"
    out = run_tool("kiln-tune", "eval", data, "--model", model,
                   "--report", report).stdout.strip().splitlines()
    assert "held out: tiny_cnn" in "\n".join(out)
    assert LAST_LINE.match(out[-1]), out[-1]
    rows = list(csv.DictReader(report.open()))
    assert rows and {r["model"] for r in rows} == {"tiny_cnn"}


def test_tune_errors(tiny, tmp_path):
    work, models, data, model = tiny
    expect_error("kiln-tune", contains=["name a subcommand"])
    expect_error("kiln-tune", "collect", tmp_path / "missing.onnx", "--out",
                 tmp_path / "d.jsonl", contains=["none of the models compiled"])
    expect_error("kiln-tune", "train", tmp_path / "missing.jsonl.gz", "--out",
                 tmp_path / "m.json", contains=["cannot open it"])
    corrupt = tmp_path / "corrupt.jsonl"
    corrupt.write_text('{"model": "x"}\n')
    expect_error("kiln-tune", "train", corrupt, "--out", tmp_path / "m.json",
                 contains=["line 1 is not a kernel record"])
    expect_error("kiln-tune", "train", data, "--out", tmp_path / "m.json",
                 "--hold-out=resnet", contains=["held-out model 'resnet' is not in"])
    expect_error("kiln-tune", "train", data, "--out", tmp_path / "m.json",
                 "--hold-out=tiny_cnn,tiny_mlp", contains=["every model is held out"])
    bad = tmp_path / "bad.json"
    bad.write_text("garbage")
    expect_error("kiln-tune", "eval", data, "--model", bad,
                 contains=["not a valid XGBoost model"])
    everything = tmp_path / "all.json"
    run_tool("kiln-tune", "train", data, "--out", everything, "--boost-rounds=2")
    expect_error("kiln-tune", "eval", data, "--model", everything,
                 contains=["has no kernels of models that"])


MATMUL = """func.func @main(%a: tensor<64x96xf32> {kiln.name = "a"}) -> tensor<64x48xf32> {
  %w = kiln.constant dense<0.25> : tensor<96x48xf32>
  %0 = kiln.matmul %a, %w : (tensor<64x96xf32>, tensor<96x48xf32>) -> tensor<64x48xf32>
  %1 = kiln.relu %0 : tensor<64x48xf32>
  return %1 : tensor<64x48xf32>
}
"""


def test_compile_tune_records_and_reuses_picks(tmp_path):
    source = tmp_path / "m.mlir"
    source.write_text(MATMUL)
    database = tmp_path / "tuning.json"
    run_tool("kiln-compile", source, "-o", tmp_path / "tuned.so", "--tune=3",
             "--tuning-db", database)
    entries = json.loads(database.read_text())["entries"]
    assert entries and all(e["measured"] >= 2 for e in entries.values())
    again = run_tool("kiln-compile", source, "-o", tmp_path / "again.so",
                     "--tuning-db", database, "--kiln-explain")
    assert "the tuning database's schedule" in again.stderr
    a = np.random.default_rng(0).standard_normal((64, 96)).astype(np.float32)
    np.save(tmp_path / "a.npy", a)
    run_tool("kiln-run", tmp_path / "again.so", "--input",
             f"a={tmp_path / 'a.npy'}", "--output-dir", tmp_path / "out")
    result = np.load(next((tmp_path / "out").glob("*.npy")))
    np.testing.assert_allclose(result, np.maximum(a @ np.full((96, 48), 0.25), 0),
                               rtol=1e-4, atol=1e-4)


def test_compile_rejects_a_bad_cost_model(tmp_path):
    source = tmp_path / "m.mlir"
    source.write_text(MATMUL)
    expect_error("kiln-compile", source, "-o", tmp_path / "m.so",
                 "--cost-model=fastest", contains=["is not one of default"])
    expect_error("kiln-compile", source, "-o", tmp_path / "m.so", "--tune=-1",
                 contains=["must be 0 or more"])
