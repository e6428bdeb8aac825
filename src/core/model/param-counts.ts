// A model's parameter counts as Keras' summary gives them: all of them, and those training updates.
import type { Graph, Layer } from './ir';

export function paramCounts(graph: Graph): { total: number; trainable: number } {
  let total = 0;
  let frozen = 0;
  for (const layer of graph.layers) {
    total += layer.params;
    frozen += layer.frozenParams ?? 0;
  }
  return { total, trainable: total - frozen };
}

/** The layers whose count may miss weights, as "layer: why" (see Layer.paramsIncomplete). */
export function paramDoubts(graph: Graph): string[] {
  return graph.layers
    .filter((l): l is Layer & { paramsIncomplete: string } => l.paramsIncomplete !== undefined)
    .map((l) => `${l.name}: ${l.paramsIncomplete}`);
}
