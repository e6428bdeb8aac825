// The MC-dropout job: trains first when asked and the model has no weights, then streams partial
// statistics (at most every 50 ms, and at least every 100 ms as long as a chunk of passes takes less) and
// yields to the event loop between chunks so a cancel is seen promptly. On 2-D data the views carry the
// uncertainty maps over the plane as well.
import type { McProgress } from '../core/engine/mc/run-stream';
import { runMcSession, type McSessionResult } from '../core/engine/mc/session';
import { openMcModel } from '../core/runtimes/open';
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
  const view = (run: McSessionResult, progress?: McProgress): WireMcView => {
    const raw = run.raw ?? new Float32Array(0);
    const d = raw.length / Math.max(1, run.summary.n);
    return {
      passesRequested: request.passes,
      summary: run.summary,
      uncertain: run.uncertain.map<WireMcSample>((s) => ({
        ...s,
        features: Array.from(raw.subarray(s.index * d, (s.index + 1) * d)),
      })),
      deterministic: run.deterministic,
      trained: run.trained,
      featureShape: run.featureShape,
      prefixLayers: run.prefix.once,
      engine: run.engine,
      ...(progress ? { progress } : {}),
      ...(run.grid ? { grid: run.grid } : {}),
    };
  };
  const run = await runMcSession(
    {
      graph,
      data,
      spec,
      weights,
      train: request.train,
      mc: {
        passes: request.passes,
        seed: request.seed,
        masks: request.masks,
        every: 2,
        top: TOP,
        keepPassValues: KEEP_VALUES,
      },
      source,
      grid: GRID,
      open: (g, s) => openMcModel(g, s),
    },
    {
      isCancelled: () => context.isCancelled(),
      pause,
      onPartial: (progress, result) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_MS && progress.fraction < 1) return;
        lastProgress = now;
        context.progress({ phase: 'mc', mc: view(result(), progress) });
      },
      train: {
        isCancelled: () => context.isCancelled(),
        pause,
        onEpoch: (m) => context.progress({ phase: 'train', epoch: m.epoch, epochs: spec.epochs }),
      },
    },
  );
  return view(run);
}
