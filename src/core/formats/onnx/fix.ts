// Applies the linter's graph edits to an ONNX ModelProto and encodes a new file ("Fix and Save As…").
// Only the edits ONNX can take without changing other nodes are supported: a Dropout's training flag,
// is_test, ratio, and removing a Dropout (its consumers read its input instead); a BatchNormalization's
// training mode. The caller writes the bytes to a new path; the original is never touched.
import { onnx } from 'onnx-proto';
import type { GraphEdit } from '../../model/graph-edit';
import type { Graph } from '../../model/ir';
import { decodeModelProto, readOnnx } from './reader';
import { ModelFormatError } from '../reader';

export interface OnnxEditResult {
  applied: GraphEdit[];
  /** Edits this writer cannot express in ONNX (moves, inserts, variants) or whose node has gone. */
  skipped: GraphEdit[];
}

/** A node and the graph holding it: the model's graph or an If / Loop / Scan subgraph. */
export interface Located {
  node: onnx.INodeProto;
  graph: onnx.IGraphProto;
}

/** The node a layer of `graph` (read from the same bytes) came from, checked by op type and name. */
export function nodeOf(model: onnx.ModelProto, graph: Graph, layerId: string): Located | undefined {
  const layer = graph.layers.find((l) => l.id === layerId);
  const index = layer?.source.nodeIndex;
  if (!layer || index === undefined) return undefined;
  const container = graphOf(model, graph, layer.source.subgraph);
  const node = container?.node?.[index];
  if (!node || node.opType !== layer.originalOp || (node.name ?? '') !== (layer.source.nodeName ?? '')) {
    return undefined;
  }
  return { node, graph: container as onnx.IGraphProto };
}

/** `subgraph` ("If_3/then_branch", the enclosing layer's id and attribute) as a GraphProto of `model`. */
function graphOf(
  model: onnx.ModelProto,
  graph: Graph,
  subgraph: string | undefined,
): onnx.IGraphProto | undefined {
  if (subgraph === undefined) return model.graph ?? undefined;
  const cut = subgraph.lastIndexOf('/');
  const parent = nodeOf(model, graph, subgraph.slice(0, cut))?.node;
  return parent?.attribute?.find((a) => a.name === subgraph.slice(cut + 1))?.g ?? undefined;
}

/** The graphs nested in a graph's nodes, at any depth. */
function nestedGraphs(graph: onnx.IGraphProto): onnx.IGraphProto[] {
  return (graph.node ?? []).flatMap((n) =>
    (n.attribute ?? []).flatMap((a) => (a.g ? [a.g, ...nestedGraphs(a.g)] : [])),
  );
}

/** Whether a node of `graph` or of its subgraphs, or one of their outputs, reads the tensor `name`. */
function isRead(graph: onnx.IGraphProto, name: string, except?: onnx.INodeProto): boolean {
  return [graph, ...nestedGraphs(graph)].some(
    (g) =>
      (g.node ?? []).some((n) => n !== except && (n.input ?? []).includes(name)) ||
      (g !== graph && (g.output ?? []).some((o) => o.name === name)),
  );
}

function opsetOf(model: onnx.ModelProto): number {
  const main = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return Number(main?.version ?? 1);
}

function setAttribute(node: onnx.INodeProto, attribute: onnx.IAttributeProto): void {
  const rest = (node.attribute ?? []).filter((a) => a.name !== attribute.name);
  node.attribute = [...rest, onnx.AttributeProto.create(attribute)];
}

/** Dropout-12+ reads ratio from input 1: a new scalar initializer, so shared constants stay as they were. */
function setRatioInput(model: onnx.ModelProto, node: onnx.INodeProto, rate: number): void {
  const graph = model.graph as onnx.IGraphProto;
  const taken = new Set((graph.initializer ?? []).map((t) => t.name));
  let name = `${node.name || node.output?.[0] || 'dropout'}_ratio`;
  for (let n = 2; taken.has(name); n++) name = `${name}_${n}`;
  graph.initializer = [
    ...(graph.initializer ?? []),
    onnx.TensorProto.create({ name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [], floatData: [rate] }),
  ];
  const inputs = [...(node.input ?? [])];
  inputs[1] = name;
  node.input = inputs;
}

function applyOne(model: onnx.ModelProto, { node, graph }: Located, edit: GraphEdit): boolean {
  if (node.opType === 'BatchNormalization') return batchNormToInference(model, graph, node, edit);
  if (node.opType !== 'Dropout') return false;
  const opset = opsetOf(model);
  if (edit.kind === 'set-attribute' && edit.name === 'training_mode' && edit.value === false) {
    // training_mode defaults to false: dropping the (last) input is the spec's own inference form.
    if (opset < 12) return false;
    node.input = (node.input ?? []).slice(0, 2);
    return true;
  }
  if (edit.kind === 'set-attribute' && edit.name === 'is_test' && typeof edit.value === 'number') {
    if (opset >= 7) return false;
    setAttribute(node, { name: 'is_test', type: onnx.AttributeProto.AttributeType.INT, i: edit.value });
    return true;
  }
  if (edit.kind === 'set-attribute' && (edit.name === 'rate' || edit.name === 'ratio')) {
    if (typeof edit.value !== 'number' || !(edit.value >= 0 && edit.value < 1)) return false;
    if (opset < 12) {
      setAttribute(node, { name: 'ratio', type: onnx.AttributeProto.AttributeType.FLOAT, f: edit.value });
    } else {
      setRatioInput(model, node, edit.value);
    }
    return true;
  }
  if (edit.kind === 'remove-layer') return removeDropout(graph, node);
  return false;
}

/**
 * BatchNormalization in inference mode: output Y alone (the spec's test-mode output case), with
 * training_mode = 0 (op set 14+, the default, so the attribute goes) or is_test = 1 (op sets 1 and 6).
 * Refused when anything reads the statistics outputs.
 */
function batchNormToInference(
  model: onnx.ModelProto,
  graph: onnx.IGraphProto,
  node: onnx.INodeProto,
  edit: GraphEdit,
): boolean {
  if (edit.kind !== 'set-attribute' || edit.name !== 'training_mode' || edit.value !== false) return false;
  const dropped = new Set((node.output ?? []).slice(1).filter((name) => name !== ''));
  const read = (name: string) => isRead(graph, name) || (graph.output ?? []).some((o) => o.name === name);
  if ([...dropped].some(read)) return false;
  node.output = (node.output ?? []).slice(0, 1);
  node.attribute = (node.attribute ?? []).filter((a) => a.name !== 'training_mode');
  if (opsetOf(model) < 7)
    setAttribute(node, { name: 'is_test', type: onnx.AttributeProto.AttributeType.INT, i: 1 });
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => !dropped.has(v.name ?? ''));
  return true;
}

/** Consumers of the Dropout's output read its input; a graph output keeps its name through an Identity. */
function removeDropout(graph: onnx.IGraphProto, node: onnx.INodeProto): boolean {
  const [input] = node.input ?? [];
  const [output, mask] = node.output ?? [];
  if (!input || !output) return false;
  const isGraphOutput = (name: string) => (graph.output ?? []).some((o) => o.name === name);
  // A consumed mask would lose its producer.
  if (mask && (isRead(graph, mask, node) || isGraphOutput(mask))) return false;
  if (isGraphOutput(output)) {
    node.opType = 'Identity';
    node.input = [input];
    node.output = [output];
    node.attribute = [];
    return true;
  }
  // Subgraphs read outer tensors by name: they are rewired too.
  for (const g of [graph, ...nestedGraphs(graph)]) {
    for (const n of g.node ?? []) n.input = (n.input ?? []).map((name) => (name === output ? input : name));
    for (const o of g.output ?? []) if (g !== graph && o.name === output) o.name = input;
  }
  graph.node = (graph.node ?? []).filter((n) => n !== node);
  return true;
}

/** Constant nodes that fed only removed or rewired inputs (a Dropout's ratio and training flag). */
function pruneUnusedConstants(graph: onnx.IGraphProto): void {
  const graphs = [graph, ...nestedGraphs(graph)];
  const used = new Set<string>([
    ...graphs.flatMap((g) => (g.node ?? []).flatMap((n) => n.input ?? [])),
    ...graphs.flatMap((g) => (g.output ?? []).map((o) => o.name ?? '')),
  ]);
  for (const g of graphs)
    g.node = (g.node ?? []).filter(
      (n) => n.opType !== 'Constant' || (n.output ?? []).some((name) => used.has(name)),
    );
}

/** Applies `edits` (layer ids from `graph`, read from the same bytes) to `model` in place. */
export function applyOnnxEdits(model: onnx.ModelProto, graph: Graph, edits: GraphEdit[]): OnnxEditResult {
  const result: OnnxEditResult = { applied: [], skipped: [] };
  // Nodes are looked up before any edit, since removals shift the indices the layers refer to.
  const nodes = new Map<string, Located | undefined>();
  for (const edit of edits) {
    const id = 'layer' in edit ? edit.layer : edit.after;
    if (!nodes.has(id)) nodes.set(id, nodeOf(model, graph, id));
  }
  const removed = new Set<onnx.INodeProto>();
  for (const edit of edits) {
    const at = nodes.get('layer' in edit ? edit.layer : edit.after);
    const ok = at !== undefined && !removed.has(at.node) && applyOne(model, at, edit);
    (ok ? result.applied : result.skipped).push(edit);
    if (ok && at && edit.kind === 'remove-layer') removed.add(at.node);
  }
  if (model.graph) pruneUnusedConstants(model.graph);
  return result;
}

/** Decodes, edits and re-encodes one ONNX file's bytes. */
export function fixOnnxBytes(
  bytes: Uint8Array,
  path: string,
  edits: GraphEdit[],
): OnnxEditResult & { bytes: Uint8Array } {
  const model = decodeModelProto(bytes, path);
  if (!model.graph) throw new ModelFormatError('onnx', `${path}: not an ONNX model (no graph)`);
  const graph = readOnnx({ path, bytes });
  const result = applyOnnxEdits(model, graph, edits);
  return { ...result, bytes: onnx.ModelProto.encode(model).finish() };
}
