// The two in-memory copies of an ONNX file that MC dropout runs: the MC copy (every Dropout stochastic,
// inside If / Loop / Scan subgraphs too, see stochastic-dropout.ts) and the inference copy (every
// Dropout off), both with external data inlined and BatchNormalization in inference mode (the
// batchnorm-training-mode rule's own fix, applied by the ONNX fix writer). The file on disk is never
// changed.
import type { onnx } from 'onnx-proto';
import { EngineError } from '../../engine/engine-error';
import { applyOnnxEdits } from '../../formats/onnx/fix';
import { decodeModelProto } from '../../formats/onnx/reader';
import { subgraphsOf } from '../../formats/onnx/values';
import type { ModelSource } from '../../formats/reader';
import { batchnormTrainingMode } from '../../lint/rules/batchnorm-training-mode';
import { GraphIndex } from '../../model/graph-index';
import type { GraphEdit } from '../../model/graph-edit';
import type { Graph } from '../../model/ir';
import { onnxOpset } from '../../model/onnx-opset';
import { inlineExternalData } from './external-data';
import { dropoutRates, mcCopy } from './stochastic-dropout';

export interface ModelCopies {
  /** Every Dropout of rate > 0 replaced by a seeded stochastic form; call again for another seed. */
  mc(seed: number): onnx.IModelProto;
  inference: onnx.IModelProto;
  /** How many Dropouts the MC copy makes stochastic. */
  dropouts: number;
  notes: string[];
}

export async function modelCopies(source: ModelSource, graph: Graph): Promise<ModelCopies> {
  const model = decodeModelProto(source.bytes, source.path);
  if (!model.graph) throw new EngineError(`${source.path}: not an ONNX model (no graph)`);
  await inlineExternalData(model, source);
  const notes: string[] = [];
  const rates = dropoutRates(model, graph);
  const reports = batchnormTrainingMode.check({ graph, index: new GraphIndex(graph) });
  for (const r of reports.filter((r) => !r.fixes?.length))
    notes.push(
      `BatchNormalization "${r.layer.name}" stays in training mode: its batch statistics are read by other nodes`,
    );
  const bnEdits = reports.flatMap((r) => r.fixes?.[0]?.graphEdits ?? []);
  // Subgraphs' Dropouts too: the fix writer finds a node inside an If / Loop / Scan by its layer.
  const dropoutsOff: GraphEdit[] =
    onnxOpset(graph) >= 12
      ? graph.layers
          .filter((l) => l.originalOp === 'Dropout')
          .map((l) => ({ kind: 'set-attribute', layer: l.id, name: 'training_mode', value: false }))
      : [];
  // The MC copy keeps the node lists from before the edits, its subgraphs' too (the writer prunes
  // Constant nodes in place, in the If / Loop / Scan bodies the copies would otherwise share); it shares
  // the edited BatchNormalization nodes, and replaces every Dropout the inference edits switch off.
  const lists = nodeLists(model.graph);
  const { applied } = applyOnnxEdits(model, graph, [...bnEdits, ...dropoutsOff]);
  const bnApplied = applied.filter((e) => bnEdits.includes(e)).length;
  if (bnApplied > 0) notes.push(`${bnApplied} BatchNormalization node(s) switched to inference mode`);
  const mcSource: onnx.IModelProto = { ...model, graph: withNodeLists(model.graph, lists) };
  const dropouts = mcCopy(mcSource, rates, 0).randomNodes.length;
  return { mc: (seed) => mcCopy(mcSource, rates, seed).model, inference: model, dropouts, notes };
}

type NodeLists = Map<onnx.IGraphProto, onnx.INodeProto[]>;

/** Each graph's node list as it is now, its subgraphs' too: edits replace the lists, not the nodes in them. */
function nodeLists(graph: onnx.IGraphProto, lists: NodeLists = new Map()): NodeLists {
  const nodes = [...(graph.node ?? [])];
  lists.set(graph, nodes);
  for (const n of nodes) for (const g of subgraphsOf(n)) nodeLists(g, lists);
  return lists;
}

/** `graph` with the node lists of `lists` (nodes holding subgraphs copied), everything else as it is now. */
function withNodeLists(graph: onnx.IGraphProto, lists: NodeLists): onnx.IGraphProto {
  const node = (lists.get(graph) ?? graph.node ?? []).map((n) =>
    subgraphsOf(n).length === 0
      ? n
      : {
          ...n,
          attribute: (n.attribute ?? []).map((a) => ({
            ...a,
            ...(a.g ? { g: withNodeLists(a.g, lists) } : {}),
            ...(a.graphs?.length ? { graphs: a.graphs.map((g) => withNodeLists(g, lists)) } : {}),
          })),
        },
  );
  return { ...graph, node };
}
