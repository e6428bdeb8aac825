// A model's size on disk: its own file plus the weight shards a TensorFlow.js model.json lists beside it
// (the model.json alone is only its topology).
import type { Graph } from '../model/ir';
import type { ModelSource } from './reader';
import type { WeightsGroup } from './tfjs/weights';

export interface ModelSize {
  bytes: number;
  /** Shard files counted in `bytes` (0 for single-file formats). */
  shards: number;
}

/** Shards that cannot be read are left out: the lint reports them, the size shows what is there. */
export async function modelSize(graph: Graph, source: ModelSource): Promise<ModelSize> {
  const manifest = (graph.meta.weightsManifest ?? []) as WeightsGroup[];
  const paths = [...new Set(manifest.flatMap((g) => g.paths.map((p) => p.path)))];
  const { siblingSize } = source;
  const sizes = siblingSize ? await Promise.all(paths.map((p) => siblingSize(p).catch(() => undefined))) : [];
  const found = sizes.filter((s): s is number => s !== undefined);
  return { bytes: found.reduce((a, b) => a + b, source.bytes.byteLength), shards: found.length };
}
