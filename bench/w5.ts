// W5 of the peer benchmark kit: MC dropout on a real architecture. The kit's torchvision MobileNetV2 export
// (gen_models.py: w5_mobilenet_v2_mc.onnx, the classifier's Dropout(0.2) in training mode), its 64 W5
// images (stream 7, NCHW 3 × 224 × 224), T = 30 passes, chunks of 16 images, per-image mean and variance
// of the softmax. The product runs it as `mc` does an ONNX file (runMcStream, one seed for the run, so one
// session): on onnxruntime, the deterministic prefix once per chunk and only the rest T times, statistics
// by Welford's update, with `mc`'s one deterministic pass per chunk. `--whole-graph` runs the whole
// graph every pass instead (what the onnxruntime peer does), to show what the prefix split is worth.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { UsageError } from '../src/cli/io';
import { runMcStream } from '../src/core/engine/mc/run-stream';
import type { McModel } from '../src/core/engine/mc/runtime';
import { sizeOf } from '../src/core/engine/tensor';
import type { DataStream } from '../src/core/data/stream';
import { nodeModelSource } from '../src/core/formats/node-model-source';
import { readOnnx } from '../src/core/formats/onnx/reader';
import { openOnnxRuntimeModel } from '../src/core/runtimes/onnxruntime/onnxruntime-model';
import { w5Input } from './data';

const MODEL = 'w5_mobilenet_v2_mc.onnx';
const PASSES = 30;
const CHUNK = 16;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The W5 images as the stream `mc` reads, in memory and unlabelled. */
function w5Stream(x: Float32Array, n: number, shape: number[]): DataStream {
  const per = sizeOf(shape);
  return {
    name: 'W5 stream 7',
    count: n,
    sampleShape: shape,
    labelled: false,
    sampleName: (i) => `row ${i}`,
    async *batches(size) {
      for (let start = 0; start < n; start += size) {
        const rows = Math.min(size, n - start);
        const y = new Int32Array(rows).fill(-1);
        yield { start, n: rows, x: x.subarray(start * per, (start + rows) * per), y };
      }
    },
  };
}

/** The whole MC job as `mc` runs it, one seed for the run; returns the mean over images and classes of the variance. */
async function mcW5(model: McModel, stream: DataStream, seed: number): Promise<number> {
  const run = await runMcStream(model, stream, { passes: PASSES, seed, every: PASSES, batchSize: CHUNK });
  return run.summary.meanVariance;
}
/** `--threads N` (default 1), `--reps N` timed repetitions (default 3), `--model PATH`, `--whole-graph`. */
export async function runW5(args: string[] = []): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      threads: { type: 'string' },
      reps: { type: 'string' },
      model: { type: 'string' },
      'whole-graph': { type: 'boolean' },
    },
  });
  const threads = Number(values.threads ?? 1);
  const reps = Number(values.reps ?? 3);
  if (!(Number.isInteger(threads) && threads >= 1))
    throw new UsageError('w5: --threads must be a positive integer');
  if (!(Number.isInteger(reps) && reps >= 1)) throw new UsageError('w5: --reps must be a positive integer');
  const file = values.model ?? join(process.env.PEER_MODELS ?? '/tmp/peer-models', MODEL);
  if (!existsSync(file))
    throw new Error(`no model at ${file} (the peer kit's gen_models.py writes ${MODEL})`);
  const source = nodeModelSource(file);
  const wholeGraph = values['whole-graph'] ?? false;
  const model = await openOnnxRuntimeModel(source, readOnnx(source), { threads, wholeGraph });
  const { x, n, shape } = w5Input();
  const stream = w5Stream(x, n, shape);
  try {
    await mcW5(model, stream, 1); // warm-up repetition: sessions created, prefix split made
    const times: number[] = [];
    let varMean = 0;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      varMean = await mcW5(model, stream, 1);
      times.push(performance.now() - t0);
    }
    if (!(varMean > 0)) throw new Error('w5: variance 0, the dropout was not stochastic');
    const ms = median(times);
    return {
      peer: 'dropout-lens',
      node: process.version,
      workload: 'w5',
      engine: model.engine.name,
      threads,
      mode: model.notes.find((note) => /^(prefix|whole graph)/.test(note)) ?? '',
      images: n,
      passes: PASSES,
      reps,
      mc_ms: ms,
      images_per_s: n / (ms / 1000),
      image_passes_per_s: (n * PASSES) / (ms / 1000),
      var_mean: varMean,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await model.dispose();
  }
}
