// How many layers have a known output rank: where one is unknown, the rules that decide by rank cannot
// check that layer, and inspect and the model view say so rather than a rule quietly not firing.
import { GraphIndex } from '../model/graph-index';
import type { Graph } from '../model/ir';
import { inputRank } from './predicates';

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
  /** Dropout-family layers (subgraphs' too) whose input rank is unknown: the rank rules skip these. */
  unrankedDropouts: string[];
}

export function shapeCoverage(graph: Graph): ShapeCoverage {
  const index = new GraphIndex(graph);
  let known = 0;
  let layers = 0;
  const unrankedDropouts: string[] = [];
  for (const l of graph.layers) {
    if (l.dropout && inputRank(index, l) === undefined) unrankedDropouts.push(l.name);
    if (l.op === 'input' || l.op === 'constant' || l.source.subgraph !== undefined) continue;
    layers++;
    if (l.outputShape) known++;
  }
  return { known, layers, unrankedDropouts };
}

/** How many names a sentence lists before "and N more". */
const NAMED = 5;

/**
 * "Shapes known for 40 of 42 layers …": where some are unknown, how many, and which dropout layers the
 * rank rules could not check (the only layers they look at).
 */
export function shapeCoverageText({ known, layers, unrankedDropouts }: ShapeCoverage): string {
  const n = (k: number) => k.toLocaleString('en-US');
  const counted = `Shapes known for ${n(known)} of ${n(layers)} layers (inputs and constants not counted)`;
  if (known >= layers && unrankedDropouts.length === 0) return `${counted}.`;
  const rest = layers - known;
  const unknown = rest > 0 ? `: ${n(rest)} layer${rest === 1 ? ' has' : 's have'} no known shape` : '';
  const rules = `the rules that need a tensor's rank (${RANK_RULES.join(', ')})`;
  if (unrankedDropouts.length === 0)
    return `${counted}${unknown}; every dropout layer's rank is known, so ${rules} checked them all.`;
  const d = unrankedDropouts.length;
  const names = unrankedDropouts.slice(0, NAMED).join(', ') + (d > NAMED ? ` and ${n(d - NAMED)} more` : '');
  return (
    `${counted}${unknown}. ${n(d)} dropout layer${d === 1 ? ' has' : 's have'} no known rank (${names}): ` +
    `${rules} could not check ${d === 1 ? 'it' : 'them'}.`
  );
}
