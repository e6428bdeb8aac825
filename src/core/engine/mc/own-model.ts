// The own engine as an McModel ("dropout-lens"): a built network (an .nn.json with its weights), or the
// graph executor over an ONNX or tfjs layers file whose every op it supports. It runs in the calling
// thread, on one core, and is the fast path for the models it knows.
import type { ModelSource } from '../../formats/reader';
import type { Graph } from '../../model/ir';
import { GraphRunner } from '../graph/run-graph';
import type { Network } from '../network';
import { graphDeterministicProbs, graphInputShape, graphMcPasses, graphPrefixLayers } from './graph';
import { deterministicProbs, firstStochastic, networkMcPasses } from './mc';
import type { McEngine, McModel } from './runtime';

export const OWN_ENGINE: McEngine = { name: 'dropout-lens', threads: 1 };

const prefixNote = (once: number, total: number) =>
  `prefix: ${once} of ${total} layers run once per input, the rest once per pass`;

export function networkMcModel(net: Network): McModel {
  return {
    engine: OWN_ENGINE,
    inputShape: [...net.inputShape],
    notes: [prefixNote(Math.max(0, firstStochastic(net)), net.layers.length)],
    deterministic: async (x) => deterministicProbs(net, x),
    passes: async (x, options) => networkMcPasses(net, x, options),
    dispose: async () => {},
  };
}

/** The graph executor over `graph`; throws an EngineError naming the first op and node it lacks. */
export async function graphMcModel(graph: Graph, source?: ModelSource): Promise<McModel> {
  const runner = await GraphRunner.load(graph, source);
  const total = graph.layers.filter((l) => l.op !== 'input').length;
  return {
    engine: OWN_ENGINE,
    inputShape: graphInputShape(graph),
    notes: [prefixNote(graphPrefixLayers(graph), total)],
    deterministic: async (x) => graphDeterministicProbs(runner, x),
    passes: async (x, options) => graphMcPasses(runner, x, options),
    dispose: async () => {},
  };
}
