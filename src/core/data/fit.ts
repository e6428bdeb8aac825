// Which data a model can take: its input width (features per sample), and the data set a panel offers
// first: the first of the data remembered for the model, its training block's data, a user's CSV of the
// right width, a built-in set of the right width. Undefined when nothing fits (the panel then says so).
import type { Graph } from '../model/ir';

/** Features per sample the model's one input takes, or undefined when it has no fixed sample shape. */
export function inputWidth(graph: Pick<Graph, 'inputs'>): number | undefined {
  if (graph.inputs.length !== 1) return undefined;
  const dims = (graph.inputs[0]?.shape ?? []).slice(1);
  if (dims.length === 0 || !dims.every((d) => typeof d === 'number' && d > 0)) return undefined;
  return (dims as number[]).reduce((a, b) => a * b, 1);
}

/** A data set on offer: its spec (`builtin:NAME` or a path) and features per sample, when known. */
export interface DataCandidate {
  spec: string;
  features?: number;
}

export interface DataDefaults {
  /** Features per sample the model takes (undefined: unknown, so any built-in set will do). */
  width?: number;
  /** The data last run with this model. */
  remembered?: string;
  /** The model's own `training.data` (its base spec). */
  training?: string;
}

const isBuiltin = (spec: string) => spec.startsWith('builtin:');

export function defaultData(choices: readonly DataCandidate[], d: DataDefaults): string | undefined {
  const fits = (c: DataCandidate) => d.width === undefined || c.features === d.width;
  const offered = (spec: string | undefined, check: (c: DataCandidate) => boolean) =>
    choices.find((c) => c.spec === spec && check(c))?.spec;
  return (
    // An image folder's or array file's width is unknown until read: the user ran with it, so it fits.
    offered(d.remembered, (c) => c.features === undefined || fits(c)) ??
    // The model names its own data: trusted even when its width is unknown (a CSV whose header could not be read).
    offered(d.training, () => true) ??
    choices.find((c) => !isBuiltin(c.spec) && d.width !== undefined && c.features === d.width)?.spec ??
    choices.find((c) => isBuiltin(c.spec) && fits(c))?.spec
  );
}
