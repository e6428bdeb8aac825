// random-op-at-inference: a random op (not a Dropout node) whose output reaches a graph output makes every
// prediction random. Training-mode exports write stochastic depth and Bernoulli masks this way
// (torch.onnx's `bernoulli`: RandomUniformLike → Less → Cast), which no Dropout rule sees.
import type { GraphIndex } from '../../model/graph-index';
import type { Graph, Layer } from '../../model/ir';
import { mcMarkerHint } from '../../model/mc-marker';
import { isMarkedMcModel } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

/** Ops that draw new random values on every run, per format (stateless TF ops with a fixed seed do not). */
const RANDOM_OPS: Partial<Record<Graph['format'], ReadonlySet<string>>> = {
  // ONNX operators (docs/Operators.md): RandomUniform/Normal(-Like) since op set 1, Multinomial 7, Bernoulli 15.
  onnx: new Set([
    'RandomUniform',
    'RandomUniformLike',
    'RandomNormal',
    'RandomNormalLike',
    'Bernoulli',
    'Multinomial',
  ]),
  // TensorFlow raw ops the TensorFlow.js converter keeps.
  'tfjs-graph': new Set([
    'RandomUniform',
    'RandomUniformInt',
    'RandomStandardNormal',
    'TruncatedNormal',
    'ParameterizedTruncatedNormal',
    'RandomGamma',
    'RandomPoisson',
    'RandomPoissonV2',
    'Multinomial',
    'RandomShuffle',
  ]),
};

/** Comparisons turn uniform noise into a 0/1 mask (a Bernoulli draw); the other ops scale or cast it. */
const COMPARE = new Set(['Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'GreaterEqual']);
const CARRY = new Set(['Cast', 'Div', 'RealDiv', 'Mul', 'Floor', 'Add', 'AddV2', 'Sub', 'Identity']);
/** Ops that draw a 0/1 mask themselves. */
const MASK_OPS = new Set(['Bernoulli']);
/** Where noise meets the data. */
const JOIN = new Set(['Mul', 'Add', 'AddV2', 'Sub']);

export const randomOpAtInference: Rule = {
  meta: {
    id: 'random-op-at-inference',
    severity: 'error',
    docs: 'A random op (RandomUniform, RandomNormal, Bernoulli, Multinomial …) whose output reaches a graph output.',
    fixable: false,
  },
  check({ graph, index }: RuleContext): Report[] {
    const ops = RANDOM_OPS[graph.format];
    if (!ops) return [];
    // A TF dropout subgraph is one dropout layer: dropout-active-at-inference reports it.
    const dropoutNodes = new Set(graph.layers.flatMap((l) => l.dropout?.origin.subgraphNodes ?? []));
    const random = graph.layers.filter(
      (l) => ops.has(l.originalOp) && l.attributes.domain === undefined && !dropoutNodes.has(l.id),
    );
    if (random.length === 0) return [];
    const live = reachingOutputs(graph, index);
    const mc = isMarkedMcModel(graph);
    return random
      .filter((l) => live.has(l.id))
      .map((layer) => ({
        layer,
        message:
          `${layer.originalOp} '${layer.name}' draws new random values on every run and its output reaches ` +
          `the model's output${randomnessKind(index, layer)}: predictions differ from run to run. ` +
          'Re-export the model in inference mode (PyTorch: model.eval() and ' +
          'torch.onnx.export(…, training=TrainingMode.EVAL); Keras: call the model with training=False)' +
          (mc
            ? '; the model is marked for MC inference, so this is reported for information only.'
            : `, or, if the randomness is intended, ${mcMarkerHint(graph.format)}.`),
        // Intended randomness is no mistake: info, so CI passes on the model the user marked.
        ...(mc ? { severity: 'info' as const } : {}),
        fixes: [],
      }));
  },
};

/** Ids of the layers that some graph output depends on (one backward pass from the outputs). */
function reachingOutputs(graph: Graph, index: GraphIndex): Set<string> {
  const live = new Set<string>();
  const stack = graph.outputs.map((o) => o.layerId).filter((id): id is string => id !== undefined);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (live.has(id)) continue;
    live.add(id);
    const layer = index.layer(id);
    if (layer) stack.push(...layer.inputs);
  }
  return live;
}

/**
 * Names the randomness when its shape is recognisable: a Bernoulli mask (uniform noise compared with a
 * constant, cast, scaled) that multiplies a tensor is dropout written out as ops, and stochastic depth
 * when the masked tensor is a residual branch (torchvision StochasticDepth, timm DropPath).
 */
function randomnessKind(index: GraphIndex, layer: Layer): string {
  const path = [layer];
  let mask = MASK_OPS.has(layer.originalOp);
  let current = layer;
  for (;;) {
    const from = current;
    const next = index.consumersOf(current);
    const step = next.length === 1 ? next[0] : undefined;
    if (!step) return '';
    const fromData = step.inputs.some((id) => id !== from.id && index.layer(id)?.op !== 'constant');
    const chain = () => [...path, step].map((l) => l.originalOp).join(' → ');
    if (fromData && step.originalOp === 'Mul' && mask) {
      const residual = index.consumersOf(step).some((l) => l.op === 'add');
      return residual
        ? ` (${chain()}: stochastic depth, which drops whole residual branches at random, as torchvision's ` +
            "StochasticDepth and timm's DropPath do in training)"
        : ` (${chain()}: a dropout mask written out as ops)`;
    }
    if (fromData && JOIN.has(step.originalOp)) return ` (${chain()}: noise mixed into a tensor)`;
    if (fromData || !(COMPARE.has(step.originalOp) || CARRY.has(step.originalOp))) return '';
    mask ||= COMPARE.has(step.originalOp);
    path.push(step);
    current = step;
  }
}
