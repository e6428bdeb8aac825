// A model's parameter counts as Keras' summary gives them: all of them, and those training updates.
import type { Graph } from './ir';

export function paramCounts(graph: Graph): { total: number; trainable: number } {
  let total = 0;
  let frozen = 0;
  for (const layer of graph.layers) {
    total += layer.params;
    frozen += layer.frozenParams ?? 0;
  }
  return { total, trainable: total - frozen };
}
