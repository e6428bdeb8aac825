// The deterministic prefix of a tfjs layers model: the layers before the first stochastic one, when what
// they hand on to the rest is one tensor. The prefix becomes a model of its own (run once per batch) and the
// rest a second model on a new input, built by applying the same layer objects (same weights, same training
// switch) to it in the original order (baal's MCCachingModule does the same split in PyTorch).
import type { LayersModel, SymbolicTensor, layers } from '@tensorflow/tfjs-layers';
import type { TfjsLibrary } from './load-library';
import { isStochastic, leafLayers } from './training-switch';

type Layer = layers.Layer;

export interface LayersSplit {
  prefix: LayersModel;
  rest: LayersModel;
  /** Leaf layers in the prefix. */
  prefixLayers: number;
}

/** The call of `layer` that belongs to `model` (a shared layer has one inbound node per call). */
function ownNode(model: LayersModel, layer: Layer) {
  const nodes = layer.inboundNodes.filter((_, i) => model.containerNodes.has(`${layer.name}_ib-${i}`));
  return nodes.length === 1 ? nodes[0] : undefined;
}

/** The split, or a reason there is none (said in the model's notes). */
export function splitAtFirstStochastic(lib: TfjsLibrary, model: LayersModel): LayersSplit | string {
  const all = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const start = all.findIndex(isStochastic);
  if (start <= 0) return 'the first layer is stochastic: nothing runs before it';
  const nodes = all.map((l) => ownNode(model, l));
  if (nodes.some((n) => n === undefined))
    return 'a layer is called more than once: the whole model runs every pass';
  const made = new Set<number>(model.inputs.map((t) => t.id));
  for (const node of nodes.slice(0, start)) for (const t of node!.outputTensors) made.add(t.id);
  const handedOn = new Map<number, SymbolicTensor>();
  const read = [...nodes.slice(start).flatMap((n) => n!.inputTensors), ...model.outputs];
  for (const t of read) if (made.has(t.id)) handedOn.set(t.id, t);
  const [cut, ...others] = handedOn.values();
  if (!cut || others.length > 0)
    return 'the layers before the first stochastic one hand on more than one tensor: the whole model runs every pass';
  if (model.inputs.some((t) => t.id === cut.id)) return 'the model input goes straight to a stochastic part';

  const prefix = lib.layers.model({ inputs: model.inputs, outputs: cut });
  const input = lib.layers.input({ shape: cut.shape.slice(1) as number[], dtype: cut.dtype });
  const values = new Map<number, SymbolicTensor>([[cut.id, input]]);
  for (const node of nodes.slice(start)) {
    const inputs = node!.inputTensors.map((t) => values.get(t.id));
    if (inputs.some((t) => t === undefined))
      return 'a stochastic part reads a tensor the split cannot give it';
    const out = node!.outboundLayer.apply(inputs.length === 1 ? inputs[0]! : (inputs as SymbolicTensor[]));
    const outs = Array.isArray(out) ? out : [out];
    node!.outputTensors.forEach((t, i) => values.set(t.id, outs[i] as SymbolicTensor));
  }
  const outputs = model.outputs.map((t) => values.get(t.id)!);
  return {
    prefix,
    rest: lib.layers.model({ inputs: input, outputs }),
    prefixLayers: leafLayers(all.slice(0, start)).length,
  };
}
