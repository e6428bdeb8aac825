// batchnorm-training-mode: an ONNX BatchNormalization in training mode normalises with the statistics of
// the batch it runs on, so a prediction depends on the other samples of the batch. The training form per
// op set (docs/Changelog.md, BatchNormalization-1/6/7/9/14/15): `is_test` = 0 (1, 6), the optional
// mean/var/saved_mean/saved_var outputs present (7, 9), `training_mode` = 1 (14, 15).
import type { Graph, Layer } from '../../model/ir';
import { onnxOpset } from '../../model/onnx-opset';
import type { GraphIndex } from '../../model/graph-index';
import type { Report, Rule, RuleContext } from '../rule';

export const batchnormTrainingMode: Rule = {
  meta: {
    id: 'batchnorm-training-mode',
    severity: 'error',
    docs: 'An ONNX BatchNormalization in training mode (training_mode = 1, its training outputs, or is_test = 0).',
    fixable: true,
  },
  check({ graph, index }: RuleContext): Report[] {
    if (graph.format !== 'onnx') return [];
    const opset = onnxOpset(graph);
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      if (layer.originalOp !== 'BatchNormalization' || layer.attributes.domain !== undefined) continue;
      const form = trainingForm(layer, opset);
      if (!form) continue;
      const readers = statisticsReaders(graph, index, layer);
      const why =
        `BatchNormalization '${layer.name}' is in training mode (${form}): it normalises each input with the ` +
        'mean and variance of the batch it arrives in instead of its running statistics, so a prediction ' +
        'depends on the other samples in the batch (ONNX BatchNormalization spec). ';
      reports.push({
        layer,
        message:
          why +
          (readers.length === 0
            ? 'Switch it to inference mode (Fix and Save As does, keeping output Y only), or re-export the ' +
              'model after model.eval().'
            : `Its running statistics are read by ${readers.join(', ')}, so it cannot be switched here: ` +
              're-export the model after model.eval() (torch.onnx.export(…, training=TrainingMode.EVAL)).'),
        fixes:
          readers.length === 0
            ? [
                {
                  title: 'Set the BatchNormalization to inference mode',
                  safe: true,
                  edits: [],
                  graphEdits: [
                    { kind: 'set-attribute', layer: layer.id, name: 'training_mode', value: false },
                  ],
                },
              ]
            : [],
      });
    }
    return reports;
  },
};

/** The node's present outputs after Y (mean, var, saved_mean, saved_var or running_mean, running_var). */
function statisticsOutputs(layer: Layer): string[] {
  return (layer.tensors?.outputs ?? []).slice(1).filter((name) => name !== '');
}

/** How the node is in training mode under `opset`, in the spec's words, or undefined when it is not. */
function trainingForm(layer: Layer, opset: number): string | undefined {
  const a = layer.attributes;
  if (opset >= 14) return a.training_mode === 1 ? 'training_mode = 1' : undefined;
  if (opset >= 7) {
    const n = statisticsOutputs(layer).length;
    return n > 0
      ? `${n + 1} outputs: Y and the batch statistics, the op set ${opset} training form`
      : undefined;
  }
  return a.is_test === 1
    ? undefined
    : `is_test = ${a.is_test === undefined ? '0 (the default)' : String(a.is_test)}`;
}

/** The nodes and graph outputs that read the statistics outputs (then Y alone cannot be kept). */
function statisticsReaders(graph: Graph, index: GraphIndex, layer: Layer): string[] {
  const names = new Set(statisticsOutputs(layer));
  const readers = index
    .consumersOf(layer)
    .filter((l) => (l.tensors?.inputs ?? []).some((name) => names.has(name)))
    .map((l) => `'${l.name}'`);
  const outputs = graph.outputs.filter((o) => names.has(o.name)).map((o) => `graph output '${o.name}'`);
  return [...readers, ...outputs];
}
