// The deterministic prefix of an ONNX graph (baal's MCCachingModule idea, on the graph): nodes that
// depend on the input but on nothing random give the same values on every MC pass, so they run once per
// batch of inputs; the nodes downstream of a random node (the rest) run per pass. Nodes that depend on
// neither (constant subgraphs) go with whichever part needs them. The rest reads the tensors the prefix
// hands on (`handedOn`) and runs at the same batch size as the prefix, so shape computations on the
// batch (Shape → Gather → Concat → Reshape) see the batch they were written for.
import type { onnx } from 'onnx-proto';
import { EngineError } from '../../engine/engine-error';
import { subgraphsOf, topologicalOrder } from '../../formats/onnx/values';
import { RANDOM_OPS } from './stochastic-dropout';

/** Names a node reads: its inputs and, for If / Loop / Scan, the outer tensors its subgraphs read. */
export function readsOf(node: onnx.INodeProto): string[] {
  const own = (node.input ?? []).filter((name) => name !== '');
  return [...own, ...subgraphsOf(node).flatMap(outerReads)];
}

function outerReads(graph: onnx.IGraphProto): string[] {
  const defined = new Set([
    ...(graph.input ?? []).map((v) => v.name ?? ''),
    ...(graph.initializer ?? []).map((t) => t.name ?? ''),
    ...(graph.node ?? []).flatMap((n) => n.output ?? []),
  ]);
  return (graph.node ?? []).flatMap(readsOf).filter((name) => !defined.has(name));
}

const isRandom = (node: onnx.INodeProto): boolean =>
  (!node.domain && RANDOM_OPS.has(node.opType ?? '')) ||
  subgraphsOf(node).some((g) => (g.node ?? []).some(isRandom));

export interface PrefixSplit {
  /** The tensors the rest reads from the prefix (prefix outputs) and from the graph input. */
  handedOn: string[];
  /** Nodes run once per batch, and nodes run per pass (constant ones counted in neither). */
  prefixNodes: number;
  restNodes: number;
}

/**
 * Splits `graph` (nodes in topological order) before its random nodes. Undefined when nothing but the
 * graph input would be handed on (a random node right at the input): the whole graph then runs per pass.
 * Throws when no random node reaches `output` (every pass would be the same).
 */
export function splitAtRandom(graph: onnx.IGraphProto, output: string): PrefixSplit | undefined {
  const inputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  for (const t of graph.initializer ?? []) inputs.delete(t.name ?? '');
  const random = new Set<string>();
  const dynamic = new Set<string>(inputs);
  let prefixNodes = 0;
  let restNodes = 0;
  const nodes = graph.node ?? [];
  for (const node of topologicalOrder(nodes, '').map((i) => nodes[i] as onnx.INodeProto)) {
    const reads = readsOf(node);
    const isRest = isRandom(node) || reads.some((name) => random.has(name));
    const isDynamic = isRest || reads.some((name) => dynamic.has(name));
    for (const name of node.output ?? []) {
      if (isRest) random.add(name);
      if (isDynamic) dynamic.add(name);
    }
    if (isRest) restNodes++;
    else if (isDynamic) prefixNodes++;
  }
  if (!random.has(output)) throw new EngineError('no random node reaches the model output');
  const handedOn = new Set<string>();
  for (const node of graph.node ?? []) {
    if (!(node.output ?? []).some((name) => random.has(name))) continue;
    for (const name of readsOf(node)) if (dynamic.has(name) && !random.has(name)) handedOn.add(name);
  }
  const fromPrefix = [...handedOn].filter((name) => !inputs.has(name));
  return fromPrefix.length > 0 ? { handedOn: [...handedOn], prefixNodes, restNodes } : undefined;
}

/**
 * The part of `model` that computes `outputs` from `inputs` (with their types): the nodes needed, in
 * graph order, and the initializers they read (as onnx.utils.extract_model does).
 */
export function extractModel(
  model: onnx.IModelProto,
  inputs: onnx.IValueInfoProto[],
  outputs: onnx.IValueInfoProto[],
): onnx.IModelProto {
  const graph = model.graph as onnx.IGraphProto;
  const given = new Set(inputs.map((v) => v.name ?? ''));
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const producer = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? []) for (const name of node.output ?? []) producer.set(name, node);
  const nodes = new Set<onnx.INodeProto>();
  const used = new Set<string>();
  const pending = outputs.map((v) => v.name ?? '');
  const seen = new Set<string>();
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    if (given.has(name)) continue;
    if (initializers.has(name)) {
      used.add(name);
      continue;
    }
    const node = producer.get(name);
    if (!node) throw new EngineError(`tensor "${name}" has no producer in the graph`);
    if (nodes.has(node)) continue;
    nodes.add(node);
    pending.push(...readsOf(node));
  }
  return {
    ...model,
    graph: {
      ...graph,
      node: (graph.node ?? []).filter((n) => nodes.has(n)),
      initializer: (graph.initializer ?? []).filter((t) => used.has(t.name ?? '')),
      input: inputs,
      output: outputs,
      valueInfo: (graph.valueInfo ?? []).filter((v) => !given.has(v.name ?? '')),
    },
  };
}
