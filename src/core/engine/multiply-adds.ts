// About how many multiply-adds one sample costs: the weights of each dense layer and convolution once
// per output position (a dense layer's output elements over its units, the last axis; a convolution's
// over its filters). An output shape that is not known counts one position, so the figure errs low.
// Picks the runtime for MC (runtimes/open.ts) and whether `--workers auto` trains on two threads
// (train/two-workers.ts).
import { sizeOf } from './tensor';
import type { Graph, Layer } from '../model/ir';

function positions(layer: Layer, perPosition: number): number {
  const dims = layer.outputShape?.slice(1) ?? [];
  const known = dims.length > 0 && dims.every((d) => typeof d === 'number' && d > 0);
  return known && perPosition > 0 ? sizeOf(dims as number[]) / perPosition : 1;
}

export function multiplyAddsPerSample(graph: Graph): number {
  let total = 0;
  for (const layer of graph.layers) {
    if (layer.op === 'dense') total += layer.params * positions(layer, Number(layer.outputShape?.at(-1)));
    if (layer.op === 'conv') total += layer.params * positions(layer, Number(layer.attributes.filters));
  }
  return total;
}
