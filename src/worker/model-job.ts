// The model view's data: parse, lint and flatten one model in the worker, so a big graph never blocks
// the extension host; then, on request, the weight statistics of one layer of that model.
import { existsSync } from 'node:fs';
import { layerWeightStats } from '../core/engine/layer-weights';
import { openModel } from '../core/formats/detect';
import { modelSize } from '../core/formats/model-size';
import type { SizeLimit } from '../core/io/size-limit';
import { nodeModelSource } from '../core/formats/node-model-source';
import type { ModelSource } from '../core/formats/reader';
import { lintSource } from '../core/lint/lint-source';
import type { Graph } from '../core/model/ir';
import { toWireLintResult } from '../core/lint/wire-lint';
import { toWireModel } from './wire-model';
import type { Jobs } from '../protocol/worker';
import type { JobContext } from './job-context';

/**
 * The model last shown, kept so the details panel's weight requests need no second parse. One only:
 * a view of a 100 MB model holds its bytes here until another model is shown.
 */
let shown: { path: string; graph: Graph; source: ModelSource } | undefined;

function sourceOf(path: string, bytes: Uint8Array | undefined, limit: SizeLimit): ModelSource {
  if (!bytes) return nodeModelSource(path, limit);
  // An editor's text for a file that may not be on disk (untitled, virtual): no sibling reads then.
  return existsSync(path) ? nodeModelSource(path, limit, bytes) : { path, bytes };
}

export async function modelView(
  request: Jobs['model']['request'],
  context: JobContext,
): Promise<Jobs['model']['result']> {
  const { path, bytes, config } = request;
  const source = sourceOf(path, bytes, context.limit);
  const result = lintSource(source, config);
  const lint = toWireLintResult(result);
  if (!result.graph) return { lint, error: result.error?.message ?? `${path}: not a model file` };
  shown = { path, graph: result.graph, source };
  const name = path.slice(path.lastIndexOf('/') + 1);
  const size = await modelSize(result.graph, source);
  return {
    lint,
    model: toWireModel(result.graph, result.findings, { name, size: size.bytes, shards: size.shards }),
  };
}

export async function layerWeights(request: Jobs['weights']['request']): Promise<Jobs['weights']['result']> {
  const { path, layerId } = request;
  try {
    if (shown?.path !== path) {
      const source = nodeModelSource(path);
      shown = { path, graph: openModel(source), source };
    }
    const { graph, source } = shown;
    const layer = graph.layers.find((l) => l.id === layerId);
    if (!layer) return { error: `${path}: no layer "${layerId}"` };
    return { tensors: await layerWeightStats(graph, layer, source) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
