// The MC copy of a model's graph: every Dropout of the main graph becomes an explicit stochastic form,
//   u = RandomUniformLike(x, seed) ; keep = Not(Less(u, ratio)) ; y = x · Cast(keep) · 1 / (1 − ratio)
// whatever its op set (Dropout-7/10 have no training flag; Dropout-12+ would need training_mode = true).
// onnxruntime's own Dropout kernel is not used: it seeds a fresh minstd_rand0 with seed + 1 on every run,
// so element k of consecutive passes steps by a fixed amount (mod 1) and the masks are strongly
// correlated from pass to pass; RandomUniformLike keeps one generator running across runs. Each Dropout
// gets its own seed derived from the run's seed, so a run is reproducible. The file is never changed.
import { onnx } from 'onnx-proto';
import { EngineError } from '../../engine/engine-error';
import type { Graph } from '../../model/ir';
import { Rng } from '../../random/rng';

/** The ops of the main graph that draw random numbers (Dropout is replaced before this is asked). */
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
const seedsFor = (seed: number, count: number): number[] => {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => rng.nextUint32() >>> 8);
};

export interface McCopy {
  model: onnx.IModelProto;
  /** Names of the replacing RandomUniformLike nodes, one per Dropout, in graph order. */
  randomNodes: string[];
}

/** Each main-graph Dropout node's rate as the reader found it (NaN when computed or fed at run time). */
export function dropoutRates(model: onnx.IModelProto, graph: Graph): Map<onnx.INodeProto, number> {
  const nodes = model.graph?.node ?? [];
  const rates = new Map<onnx.INodeProto, number>();
  for (const layer of graph.layers) {
    const node = layer.source.nodeIndex !== undefined ? nodes[layer.source.nodeIndex] : undefined;
    if (layer.originalOp === 'Dropout' && layer.source.subgraph === undefined && node?.opType === 'Dropout')
      rates.set(node, layer.dropout?.rate ?? Number.NaN);
  }
  return rates;
}

/**
 * A copy of `model` (the graph's node and initializer lists are new; nodes not replaced are shared,
 * never mutated) with every main-graph Dropout of rate > 0 replaced by the stochastic form above, and
 * every one of rate 0 by its inference form, so the prefix split does not stop at it.
 */
export function mcCopy(model: onnx.IModelProto, rates: Map<onnx.INodeProto, number>, seed: number): McCopy {
  const main = model.graph as onnx.IGraphProto;
  const nodes = main.node ?? [];
  const all = nodes.filter((n) => n.opType === 'Dropout' && !n.domain);
  const dropouts = all.filter((n) => rates.get(n) !== 0);
  const seeds = seedsFor(seed, dropouts.length);
  const initializers = [...(main.initializer ?? [])];
  const randomNodes: string[] = [];
  const replaced = new Map<onnx.INodeProto, onnx.INodeProto[]>();
  for (const off of all.filter((n) => rates.get(n) === 0))
    replaced.set(off, inferenceForm(off, nodes.indexOf(off)));
  dropouts.forEach((dropout, k) => {
    const form = stochasticForm(dropout, nodes.indexOf(dropout), rates.get(dropout), seeds[k] as number);
    initializers.push(...form.initializers);
    randomNodes.push(form.randomNode);
    replaced.set(dropout, form.nodes);
  });
  return {
    model: {
      ...model,
      graph: { ...main, node: nodes.flatMap((n) => replaced.get(n) ?? [n]), initializer: initializers },
    },
    randomNodes,
  };
}

const scalar = (name: string, value: number): onnx.ITensorProto =>
  onnx.TensorProto.create({ name, dataType: FLOAT, dims: [], floatData: [value] });

const attr = (name: string, value: number, type: 'f' | 'i'): onnx.IAttributeProto =>
  type === 'f'
    ? { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value }
    : { name, type: onnx.AttributeProto.AttributeType.INT, i: value };

/** A Dropout that drops nothing: y = x, and its mask (when read) all true. */
function inferenceForm(dropout: onnx.INodeProto, index: number): onnx.INodeProto[] {
  const [x = ''] = dropout.input ?? [];
  const [y = '', mask = ''] = dropout.output ?? [];
  const at = `${PREFIX}/${dropout.name || `Dropout_${index}`}`;
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
  index: number,
  rate: number | undefined,
  seed: number,
): { nodes: onnx.INodeProto[]; initializers: onnx.ITensorProto[]; randomNode: string } {
  const [x = '', ratioInput = ''] = dropout.input ?? [];
  const [y = '', mask = ''] = dropout.output ?? [];
  const at = `${PREFIX}/${dropout.name || `Dropout_${index}`}`;
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
      `Dropout "${dropout.name || `Dropout_${index}`}" has ratio ${ratio}: a ratio must be in [0, 1) (1 drops every value, leaving nothing to run MC dropout on)`,
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
