// Times an ONNX model with ONNX Runtime (onnxruntime-node) and prints JSON.
//   node ort_runner.js spec.json
// spec: {"model": "m.onnx", "threads": 1, "runs": 20,
//        "inputs": [{"name": "x", "file": "x.bin", "shape": [1, 3, 224, 224]}]}
// Input files hold raw little-endian float32 data. Output:
//   {"median_ms": .., "min_ms": .., "max_ms": .., "runs": ..}
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const session = await ort.InferenceSession.create(spec.model, {
    intraOpNumThreads: spec.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = {};
  for (const input of spec.inputs) {
    const buf = fs.readFileSync(input.file);
    const data = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    feeds[input.name] = new ort.Tensor('float32', data, input.shape);
  }
  // Warm-up of at least spec.warmup_s, as bench/peers.py gives every peer.
  const start = process.hrtime.bigint();
  do {
    await session.run(feeds);
  } while (Number(process.hrtime.bigint() - start) / 1e9 < spec.warmup_s);
  const times = [];
  for (let i = 0; i < spec.runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times.length % 2
      ? times[(times.length - 1) / 2]
      : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
  console.log(JSON.stringify({median_ms: median, min_ms: times[0],
                              max_ms: times[times.length - 1], runs: spec.runs}));
}

main().catch((e) => { console.error(String(e)); process.exit(1); });
