// The MC-dropout job: trains first when asked and the model has no weights, then streams partial
// statistics (at most every 50 ms, and at least every 100 ms as long as a chunk of passes takes less) and
// yields to the event loop between chunks so a cancel is seen promptly. On 2-D data the views carry the
// uncertainty maps over the plane as well.
import type { McStats } from '../core/engine/mc/uncertainty';
import type { McGrid } from '../core/engine/mc/grid';
import { samples, scores, summarize } from '../core/engine/mc/report';
import { runMcSession } from '../core/engine/mc/session';
import { trainingSpec } from '../core/model/training-spec';
import { parseWeights, type WeightsData } from '../core/engine/weights-file';
import { openModel } from '../core/formats/detect';
import { nodeModelSource } from '../core/formats/node-model-source';
import { readFileWithin } from '../core/io/node-files';
import type { Jobs, WireMcSample, WireMcView } from '../protocol/worker';
import type { JobContext } from './job-context';
import { jobData } from './job-data';

const PROGRESS_MS = 50;
const YIELD_MS = 10;
/** Samples shown as "most uncertain". */
const TOP = 8;
/** Keep every pass's probabilities (for the per-pass view of the top samples) up to this many values. */
const KEEP_VALUES = 8_000_000;
/** Cells per side of the uncertainty maps on 2-D data (the Train panel's boundary grid size). */
const GRID = 40;

export async function mcJob(
  request: Jobs['mc']['request'],
  context: JobContext,
): Promise<Jobs['mc']['result']> {
  const source = nodeModelSource(request.model, context.limit);
  const graph = openModel(source);
  const spec = trainingSpec(graph);
  const chosen = jobData(request, spec, context.limit);
  const sidecar = typeof graph.meta.weights === 'string' ? graph.meta.weights : undefined;
  let weights: WeightsData | undefined;
  if (request.weights)
    weights = parseWeights(readFileWithin(request.weights, context.limit), request.weights);
  else if (sidecar && source.readSibling) weights = parseWeights(await source.readSibling(sidecar), sidecar);
  const { data } = chosen;

  let lastYield = performance.now();
  let lastProgress = 0;
  const pause = async () => {
    if (performance.now() - lastYield < YIELD_MS) return;
    await new Promise((r) => setImmediate(r));
    lastYield = performance.now();
  };
  const kept: Float32Array[] = [];
  let labels: Int32Array = new Int32Array(0);
  let raw: Float32Array = new Float32Array(0);
  let grid: McGrid | undefined;
  const view = (
    stats: McStats,
    deterministic: Float32Array,
    trained: boolean,
    prefixLayers: number,
    final: boolean,
  ): WireMcView => {
    const d = raw.length / Math.max(1, stats.n);
    const uncertain = samples(stats, labels, TOP).map<WireMcSample>((s) => ({
      ...s,
      features: Array.from(raw.subarray(s.index * d, (s.index + 1) * d)),
      ...(final && kept.length > 0 ? { passes: passesOf(kept, s.index, stats.n, stats.classes) } : {}),
    }));
    return {
      passesRequested: request.passes,
      summary: summarize(stats, labels),
      uncertain,
      deterministic: scores(deterministic, labels, stats.classes),
      trained,
      featureShape: [...data.shape],
      prefixLayers,
      ...(grid ? { grid } : {}),
    };
  };
  // The deterministic pass is known before the MC passes start; partials are built once it is.
  let partial: ((stats: McStats) => void) | undefined;
  const run = await runMcSession(
    {
      graph,
      data,
      spec,
      weights,
      train: request.train,
      mc: { passes: request.passes, seed: request.seed, masks: request.masks, every: 2 },
      source,
      grid: GRID,
    },
    {
      isCancelled: () => context.isCancelled(),
      pause,
      onChunk: (probs) => {
        if (kept.length * probs.length < KEEP_VALUES) kept.push(probs.slice());
      },
      onGrid: (g) => (grid = g),
      onPartial: (stats) => partial?.(stats),
      train: {
        isCancelled: () => context.isCancelled(),
        pause,
        onEpoch: (m) => context.progress({ phase: 'train', epoch: m.epoch, epochs: spec.epochs }),
      },
    },
    (r) => {
      labels = r.labels;
      raw = r.raw;
      partial = (stats) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_MS && stats.passes < request.passes) return;
        lastProgress = now;
        context.progress({ phase: 'mc', mc: view(stats, r.deterministic, r.trained, r.prefixLayers, false) });
      };
    },
  );
  grid = run.grid;
  return view(run.stats, run.deterministic, run.trained, run.prefixLayers, true);
}

/** One sample's probabilities in every kept pass. */
function passesOf(chunks: Float32Array[], index: number, n: number, classes: number): number[][] {
  const out: number[][] = [];
  for (const chunk of chunks)
    for (let t = 0; t < chunk.length / (n * classes); t++) {
      const o = (t * n + index) * classes;
      out.push(Array.from(chunk.subarray(o, o + classes)));
    }
  return out;
}
