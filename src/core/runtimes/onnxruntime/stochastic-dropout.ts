// The MC copy of a model's graph: every Dropout, in If / Loop / Scan subgraphs too, becomes an explicit
// stochastic form,
//   u = RandomUniformLike(x, seed) ; keep = Not(Less(u, ratio)) ; y = x · Cast(keep) · 1 / (1 − ratio)
// whatever its op set (Dropout-7/10 have no training flag; Dropout-12+ would need training_mode = true).
// onnxruntime's own Dropout kernel is not used: it seeds a fresh minstd_rand0 with seed + 1 on every run,
// so element k of consecutive passes steps by a fixed amount (mod 1) and the masks are strongly
// correlated from pass to pass; RandomUniformLike keeps one generator running across runs. Each Dropout
// gets its own seed derived from the run's seed, so a run is reproducible. The file is never changed.
import { onnx } from 'onnx-proto';
import { EngineError } from '../../engine/engine-error';
import { nodeOf } from '../../formats/onnx/fix';
import { subgraphsOf } from '../../formats/onnx/values';
import type { Graph } from '../../model/ir';
import { Rng } from '../../random/rng';

/** The ops that draw random numbers (Dropout is replaced before this is asked). */
export const RANDOM_OPS: ReadonlySet<string> = new Set([
  'RandomUniform',
  'RandomUniformLike',
  'RandomNormal',
  'RandomNormalLike',
  'Multinomial',
  'Bernoulli',
  'Dropout',
]);

const PREFIX = 'dropout_lens_mc';
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** RandomUniformLike's seed is a float attribute: seeds stay below 2^24 so they are exact. */
const nextSeed = (rng: Rng): number => rng.nextUint32() >>> 8;

export interface McCopy {
  model: onnx.IModelProto;
  /** Names of the replacing RandomUniformLike nodes, one per Dropout, in graph order (a subgraph's after
   * the nodes before its If / Loop / Scan). */
  randomNodes: string[];
}

/**
 * Each Dropout node's rate as the reader found it (NaN when computed or fed at run time), those inside
 * If / Loop / Scan subgraphs included. Read before any edit: the layers' node indices are the file's.
 */
export function dropoutRates(model: onnx.IModelProto, graph: Graph): Map<onnx.INodeProto, number> {
  const rates = new Map<onnx.INodeProto, number>();
  for (const layer of graph.layers) {
    if (layer.originalOp !== 'Dropout') continue;
    const node = nodeOf(model as onnx.ModelProto, graph, layer.id)?.node;
    if (node?.opType === 'Dropout') rates.set(node, layer.dropout?.rate ?? Number.NaN);
  }
  return rates;
}

/** What replaces one Dropout node: its nodes and the initializers they read (in the same graph). */
interface Form {
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
}

/** Where a node is, for its replacement's names (`at`) and for people (`shown`). */
interface Place {
  /** Unique in the whole model (ONNX forbids a subgraph's names from shadowing the outer graph's): the
   * path of If / Loop / Scan nodes and their graph attributes down to the node, under PREFIX. */
  at: string;
  /** The node by name, or by op type and index in its graph, and the subgraph it is in. */
  shown: string;
}

/**
 * `graph` with every standard-domain Dropout replaced by `form(node, place)` (undefined keeps it), in its
 * subgraphs too, depth first in node order. Returns new graphs and node lists; nodes not replaced are
 * shared.
 */
export function replaceDropouts(
  graph: onnx.IGraphProto,
  form: (dropout: onnx.INodeProto, place: Place) => Form | undefined,
  outer: Place = { at: PREFIX, shown: '' },
): onnx.IGraphProto {
  const initializers = [...(graph.initializer ?? [])];
  const node = (graph.node ?? []).flatMap((n, index): onnx.INodeProto[] => {
    const at = `${outer.at}/${n.name || `${n.opType}_${index}`}`;
    const shown = `${n.opType} ${n.name ? `"${n.name}"` : `#${index}`}`;
    if (n.opType === 'Dropout' && !n.domain) {
      const replaced = form(n, { at, shown: outer.shown ? `${shown} in ${outer.shown}` : shown });
      if (!replaced) return [n];
      initializers.push(...replaced.initializers);
      return replaced.nodes;
    }
    if (subgraphsOf(n).length === 0) return [n];
    const inside = (name: string) => ({
      at: `${at}/${name}`,
      shown: `${shown} ${name}${outer.shown ? ` in ${outer.shown}` : ''}`,
    });
    const attribute = (n.attribute ?? []).map((a) =>
      a.g
        ? { ...a, g: replaceDropouts(a.g, form, inside(a.name ?? '')) }
        : a.graphs?.length
          ? { ...a, graphs: a.graphs.map((g, k) => replaceDropouts(g, form, inside(`${a.name}_${k}`))) }
          : a,
    );
    return [{ ...n, attribute }];
  });
  return { ...graph, node, initializer: initializers };
}

/**
 * A copy of `model` with every Dropout of rate > 0, inside subgraphs too, replaced by the stochastic form
 * above (each with its own seed drawn from `seed`), and every one of rate 0 by its inference form, so
 * the prefix split does not stop at it.
 */
export function mcCopy(model: onnx.IModelProto, rates: Map<onnx.INodeProto, number>, seed: number): McCopy {
  const rng = new Rng(seed);
  const randomNodes: string[] = [];
  const graph = replaceDropouts(model.graph as onnx.IGraphProto, (dropout, place) => {
    const rate = rates.get(dropout);
    if (rate === 0) return { nodes: inferenceForm(dropout, place.at), initializers: [] };
    const form = stochasticForm(dropout, place, rate, nextSeed(rng));
    randomNodes.push(form.randomNode);
    return form;
  });
  return { model: { ...model, graph }, randomNodes };
}

const scalar = (name: string, value: number): onnx.ITensorProto =>
  onnx.TensorProto.create({ name, dataType: FLOAT, dims: [], floatData: [value] });

const attr = (name: string, value: number, type: 'f' | 'i'): onnx.IAttributeProto =>
  type === 'f'
    ? { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value }
    : { name, type: onnx.AttributeProto.AttributeType.INT, i: value };

/** A Dropout that drops nothing: y = x, and its mask (when read) all true. */
export function inferenceForm(dropout: onnx.INodeProto, at: string): onnx.INodeProto[] {
  const [x = ''] = dropout.input ?? [];
  const [y = '', mask = ''] = dropout.output ?? [];
  const nodes: onnx.INodeProto[] = [{ opType: 'Identity', name: `${at}/identity`, input: [x], output: [y] }];
  if (mask)
    nodes.push(
      { opType: 'Shape', name: `${at}/shape`, input: [x], output: [`${at}/shape`] },
      {
        opType: 'ConstantOfShape',
        name: mask,
        input: [`${at}/shape`],
        output: [mask],
        attribute: [
          {
            name: 'value',
            type: onnx.AttributeProto.AttributeType.TENSOR,
            t: { dataType: onnx.TensorProto.DataType.BOOL, dims: [1], int32Data: [1] },
          },
        ],
      },
    );
  return nodes;
}

function stochasticForm(
  dropout: onnx.INodeProto,
  { at, shown }: Place,
  rate: number | undefined,
  seed: number,
): Form & { randomNode: string } {
  const [x = '', ratioInput = ''] = dropout.input ?? [];
  const [y = '', mask = ''] = dropout.output ?? [];
  const t = (what: string) => `${at}/${what}`;
  const initializers: onnx.ITensorProto[] = [];
  const nodes: onnx.INodeProto[] = [];
  const add = (opType: string, input: string[], output: string, attribute: onnx.IAttributeProto[] = []) =>
    nodes.push({ opType, name: output, input, output: [output], attribute });
  // The ratio: the value the reader found, else the tensor the node reads (computed or fed), as float.
  const ratio = rate ?? (ratioInput === '' ? 0.5 : Number.NaN);
  // Ratio 1 would scale by 1 / 0 (NaN where masked): the ONNX spec allows ratios in [0, 1) only, and a
  // layer that drops everything leaves nothing to estimate uncertainty from, so it is refused, not zeroed.
  if (ratio >= 1 || ratio < 0)
    throw new EngineError(
      `${shown} has ratio ${ratio}: a ratio must be in [0, 1) (1 drops every value, leaving nothing to run MC dropout on)`,
    );
  if (Number.isFinite(ratio)) {
    initializers.push(scalar(t('ratio'), ratio), scalar(t('scale'), 1 / (1 - ratio)));
  } else {
    initializers.push(scalar(t('one'), 1));
    add('Cast', [ratioInput], t('ratio'), [attr('to', FLOAT, 'i')]);
    add('Sub', [t('one'), t('ratio')], t('keep_rate'));
    add('Div', [t('one'), t('keep_rate')], t('scale'));
  }
  add('RandomUniformLike', [x], t('u'), [
    attr('dtype', FLOAT, 'i'),
    attr('low', 0, 'f'),
    attr('high', 1, 'f'),
    attr('seed', seed, 'f'),
  ]);
  add('Less', [t('u'), t('ratio')], t('dropped'));
  add('Not', [t('dropped')], mask || t('keep'));
  add('Cast', [mask || t('keep')], t('keep_float'), [attr('to', FLOAT, 'i')]);
  add('Mul', [t('keep_float'), t('scale')], t('mask_scaled'));
  add('Mul', [x, t('mask_scaled')], y);
  return { nodes, initializers, randomNode: t('u') };
}
