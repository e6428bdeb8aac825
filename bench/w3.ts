// W3 of the peer benchmark kit: MC dropout on the untrained W1 network (784-256-256-10, Dropout 0.5),
// 256 rows of stream 3, T = 100 passes, softmax, per-row predictive mean and variance. (a) loop: one
// pass per chunk, statistics after every pass; (b) batched: all T passes in one call, which tiles the
// prefix output into chunks of passes as deep as the engine's cache-sized chunk budget allows
// (MC_CHUNK_ELEMENTS; one pass at these sizes), instead of 100 passes deep. Both go through the product's MC runner,
// which computes the layers before the first dropout once and runs only the rest T times, so the work
// done is less than the kit's nominal FLOP count; both figures are reported.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../src/cli/io';
import { kernelsLabel } from '../src/core/engine/kernels/select';
import { firstStochastic, runMc } from '../src/core/engine/mc/mc';
import { Network } from '../src/core/engine/network';
import { Rng } from '../src/core/random/rng';
import { mergeStats, type McStats } from '../src/core/engine/mc/uncertainty';
import { w3Input } from './data';
import { mlpSpecs } from './mlp-workload';

export const W3_SIZES = [784, 256, 256, 10];

/** The W1 network, untrained (default init), as W3 uses it. */
export function w3Network(seed = 1): Network {
  const net = new Network([W3_SIZES[0] as number], mlpSpecs(W3_SIZES, 0.5));
  net.init(new Rng(seed));
  return net;
}

/**
 * T MC passes over `x` (rows × 784). loop: one suffix call per pass on `rows` rows; batched: the prefix
 * output tiled as many passes deep as the engine's chunk budget holds.
 */
export async function mcW3(
  net: Network,
  x: Float32Array,
  rows: number,
  passes: number,
  mode: 'loop' | 'batched',
  seed: number,
): Promise<McStats> {
  const options = mode === 'loop' ? { passes, seed, every: 1 } : { passes, seed, every: passes };
  const result = await runMc(net, { data: x, shape: [rows, W3_SIZES[0] as number] }, options);
  return result.stats;
}

/** What one thread of the two-worker job runs. */
export interface W3Share {
  rows: number;
  passes: number;
  mode: 'loop' | 'batched';
  seed: number;
}

/**
 * The two-worker job: a worker thread (bench/w3-worker.ts, started and warmed up before timing) runs
 * half the passes with its own seed while this thread runs the other half; the two sets of statistics
 * are merged (Chan et al.). Returns the runner and a function that stops the worker.
 */
export async function twoWorkers(net: Network, x: Float32Array, rows: number) {
  const script = join(__dirname, 'w3-worker.js');
  // The CLI bundle has no separate worker script; the per-file build (out/bench) has.
  if (!existsSync(script))
    throw new UsageError(
      'w3: --workers 2 runs from the build in out/ (node bench/product.mjs w3 --workers 2)',
    );
  const worker = new Worker(script);
  const run = async (passes: number, mode: 'loop' | 'batched', seed: number): Promise<McStats> => {
    const theirs = Math.floor(passes / 2);
    const reply = once(worker, 'message');
    worker.postMessage({ rows, passes: theirs, mode, seed: seed + 0x40000000 } satisfies W3Share);
    const mine = await mcW3(net, x, rows, passes - theirs, mode, seed);
    const [other] = (await reply) as [McStats];
    return mergeStats(mine, other);
  };
  return { run, stop: () => worker.terminate() };
}

/** FLOP of the dense layers (2 × multiply-adds) per row: all of them, and those before the first dropout. */
function flopPerRow(): { total: number; prefix: number } {
  const layer = (i: number) => 2 * (W3_SIZES[i] as number) * (W3_SIZES[i + 1] as number);
  let total = 0;
  for (let i = 0; i + 1 < W3_SIZES.length; i++) total += layer(i);
  return { total, prefix: layer(0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const positive = (name: string, value: string | undefined, fallback: number): number => {
  const v = Number(value ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`w3: --${name} must be a positive integer`);
  return v;
};

/**
 * `--passes T` (default 100), `--rows N` (default 256), `--reps N` timed repetitions (default 5),
 * `--workers 1|2` (default 1; 2 = half the passes on a second thread).
 */
export async function runW3(args: string[] = []): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      passes: { type: 'string' },
      rows: { type: 'string' },
      reps: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  const passes = positive('passes', values.passes, 100);
  const rows = positive('rows', values.rows, 256);
  const reps = positive('reps', values.reps, 5);
  const workers = positive('workers', values.workers, 1);
  if (workers > 2) throw new UsageError('w3: --workers must be 1 or 2');
  const { x } = w3Input(rows);
  const net = w3Network();
  const flop = flopPerRow();
  const nominalGflop = (passes * rows * flop.total) / 1e9;
  const doneGflop = (rows * flop.prefix + passes * rows * (flop.total - flop.prefix)) / 1e9;
  const out: Record<string, unknown> = {
    peer: 'dropout-lens',
    node: process.version,
    workload: 'w3',
    threads: workers,
    kernels: kernelsLabel(net.kernels),
    passes,
    rows,
    reps,
    prefix_layers: firstStochastic(net),
    gflop_nominal: nominalGflop,
    gflop_done: doneGflop,
  };
  const pair = workers === 2 ? await twoWorkers(net, x, rows) : undefined;
  const mc = (mode: 'loop' | 'batched', seed: number) =>
    pair ? pair.run(passes, mode, seed) : mcW3(net, x, rows, passes, mode, seed);
  let seed = 1;
  for (const mode of ['loop', 'batched'] as const) {
    await mc(mode, seed++); // warm-up repetition
    const times: number[] = [];
    let stats: McStats | undefined;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      stats = await mc(mode, seed++);
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    const variance = (stats as McStats).variance;
    const varMean = variance.reduce((s, v) => s + v, 0) / variance.length;
    if (!(varMean > 0)) throw new Error(`w3 ${mode}: variance 0, the dropout was not stochastic`);
    out[`${mode}_ms`] = ms;
    out[`${mode}_passes_per_s`] = passes / (ms / 1000);
    out[`${mode}_var_mean`] = varMean;
    out[`${mode}_gflop_per_s`] = doneGflop / (ms / 1000);
    out[`${mode}_nominal_gflop_per_s`] = nominalGflop / (ms / 1000);
  }
  await pair?.stop();
  out.peak_rss_mb = process.resourceUsage().maxRSS / 1024;
  return out;
}
