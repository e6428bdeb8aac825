// The MC-dropout job: trains first when asked and the model has no weights, then streams partial
// statistics (at most every 50 ms, and at least every 100 ms as long as a chunk of passes takes less) and
// yields to the event loop between chunks so a cancel is seen promptly. On 2-D data the views carry the
// uncertainty maps over the plane as well. A folder of images or an .npy/.npz file is read a batch at a
// time; the most uncertain images go to the panel as thumbnails with their file names.
import type { DataStream } from '../core/data/stream';
import { dataKind, openDataStream, type DataKind } from '../core/data/open-stream';
import { bringsWeights, graphSamplePattern } from '../core/engine/mc/graph';
import type { McProgress } from '../core/engine/mc/run-stream';
import { runMcSession, type McSessionResult } from '../core/engine/mc/session';
import { openMcModel } from '../core/runtimes/open';
import { trainingSpec } from '../core/model/training-spec';
import { readWeights } from '../core/engine/weights-file';
import { openModel } from '../core/formats/detect';
import type { Graph } from '../core/model/ir';
import { nodeModelSource } from '../core/formats/node-model-source';
import type { Jobs, WireMcData, WireMcSample, WireMcView } from '../protocol/worker';
import type { JobContext } from './job-context';
import { jobData } from './job-data';
import { Thumbnails } from './thumbnails';

const PROGRESS_MS = 50;
const YIELD_MS = 10;
/** Samples shown as "most uncertain". */
const TOP = 8;
/** Keep every pass's probabilities (for the per-pass view of the top samples) up to this many values. */
const KEEP_VALUES = 8_000_000;
/** Cells per side of the uncertainty maps on 2-D data (the Train panel's boundary grid size). */
const GRID = 40;
const STREAMED: (DataKind | undefined)[] = ['images', 'npy', 'npz'];

export async function mcJob(
  request: Jobs['mc']['request'],
  context: JobContext,
): Promise<Jobs['mc']['result']> {
  const source = nodeModelSource(request.model, context.limit);
  const graph = openModel(source);
  const spec = trainingSpec(graph);
  // A model file that brings its weights reads image folders and array files as a stream; CSV and
  // built-in sets stay rows in memory, whose features the panel draws.
  const kind = request.data === undefined ? undefined : await dataKind(request.data);
  let stream: DataStream | undefined;
  let data;
  if (bringsWeights(graph) && request.data !== undefined && STREAMED.includes(kind))
    stream = await openDataStream(request.data, {
      inputShape: graphSamplePattern(graph),
      ...(request.preprocessing ? { preprocessing: request.preprocessing } : {}),
      limit: context.limit,
    });
  else data = jobData(request, spec, context.limit).data;
  const chosen = request.weights ? { path: request.weights, limit: context.limit } : undefined;
  const weights = (await readWeights(graph, source, chosen))?.data;

  let lastYield = performance.now();
  let lastProgress = 0;
  const pause = async () => {
    if (performance.now() - lastYield < YIELD_MS) return;
    await new Promise((r) => setImmediate(r));
    lastYield = performance.now();
  };
  const thumbnails = stream && new Thumbnails(stream);
  const facts = (run: McSessionResult): WireMcData =>
    stream
      ? {
          name: stream.name,
          count: stream.count,
          labelled: run.labelled,
          ...(stream.classNames ? { classNames: stream.classNames } : {}),
          ...(stream.preprocessing ? { preprocessing: stream.preprocessing } : {}),
        }
      : { name: request.data ?? spec.data ?? graph.name, count: run.summary.n, labelled: run.labelled };
  const view = (
    run: McSessionResult,
    progress: McProgress | undefined,
    thumbnail: (index: number) => WireMcSample['thumbnail'],
  ): WireMcView => {
    const raw = run.raw ?? new Float32Array(0);
    const d = raw.length / Math.max(1, run.summary.n);
    return {
      passesRequested: request.passes,
      summary: run.summary,
      uncertain: run.uncertain.map<WireMcSample>((s) => {
        const picture = thumbnail(s.index);
        return {
          ...s,
          // Images cross as their file names and thumbnails, not as 150,528 floats each.
          features: stream ? [] : Array.from(raw.subarray(s.index * d, (s.index + 1) * d)),
          ...(stream ? { name: stream.sampleName(s.index) } : {}),
          ...(picture ? { thumbnail: picture } : {}),
        };
      }),
      deterministic: run.deterministic,
      trained: run.trained,
      featureShape: run.featureShape,
      prefixLayers: run.prefix.once,
      engine: run.engine,
      notes: run.notes,
      data: facts(run),
      ...(progress ? { progress } : {}),
      ...(run.grid ? { grid: run.grid } : {}),
    };
  };
  const run = await runMcSession(
    {
      graph,
      ...(stream ? { stream } : { data }),
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
      open: (g, s) => openMcModel(g, s, stream ? { inputShape: stream.sampleShape } : {}),
    },
    {
      isCancelled: () => context.isCancelled(),
      pause,
      onPartial: (progress, result) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_MS && progress.fraction < 1) return;
        lastProgress = now;
        context.progress({ phase: 'mc', mc: view(result(), progress, (i) => thumbnails?.peek(i)) });
      },
      train: {
        isCancelled: () => context.isCancelled(),
        pause,
        onEpoch: (m) => context.progress({ phase: 'train', epoch: m.epoch, epochs: spec.epochs }),
      },
    },
  ).catch((e: unknown) => {
    if (e instanceof Error) e.message = withNodes(e.message, graph);
    throw e;
  });
  // The final view waits for the thumbnails of its most uncertain images.
  const pictures = new Map(
    await Promise.all(run.uncertain.map(async (s) => [s.index, await thumbnails?.get(s.index)] as const)),
  );
  return view(run, undefined, (i) => pictures.get(i));
}

/**
 * A runtime's error that names an op but not its nodes (onnxruntime: "com.example:Mystery(-1) is not a
 * registered function/op") with the nodes added, so the user can find them in the model view.
 */
function withNodes(message: string, graph: Graph): string {
  const op = /([A-Za-z]\w*)\(-?\d+\) is not a registered/.exec(message)?.[1];
  const nodes = graph.layers.filter((l) => l.originalOp === op).map((l) => `"${l.name}"`);
  return op && nodes.length > 0 ? `${message} (op "${op}" at node ${nodes.join(', ')})` : message;
}
