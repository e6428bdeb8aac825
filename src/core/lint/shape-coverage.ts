// How many layers have a known output rank: where one is unknown, the rules that decide by rank cannot
// check that layer, and inspect and the model view say so rather than a rule quietly not firing.
import type { Graph } from '../model/ir';

/** The rules that decide by a tensor's rank (a convolutional feature map, spatial dropout's input). */
export const RANK_RULES = ['conv-standard-dropout', 'conv-rate-too-high', 'spatial-dropout-rank'] as const;

export interface ShapeCoverage {
  /** Layers whose output shape (at least its rank) is known. */
  known: number;
  /**
   * Layers that compute something: the graph's inputs and constants are not counted, nor the layers of
   * an If / Loop / Scan subgraph (their node counts for them).
   */
  layers: number;
}

export function shapeCoverage(graph: Graph): ShapeCoverage {
  let known = 0;
  let layers = 0;
  for (const l of graph.layers) {
    if (l.op === 'input' || l.op === 'constant' || l.source.subgraph !== undefined) continue;
    layers++;
    if (l.outputShape) known++;
  }
  return { known, layers };
}

/** "Shapes known for 40 of 42 layers …", with what that leaves unchecked when some are unknown. */
export function shapeCoverageText({ known, layers }: ShapeCoverage): string {
  const counted = `Shapes known for ${known.toLocaleString('en-US')} of ${layers.toLocaleString('en-US')} layers (inputs and constants not counted)`;
  if (known >= layers) return `${counted}.`;
  const rest = layers - known;
  return (
    `${counted}: the rules that need a tensor's rank (${RANK_RULES.join(', ')}) could not check ` +
    `the other ${rest.toLocaleString('en-US')} layer${rest === 1 ? '' : 's'}.`
  );
}
