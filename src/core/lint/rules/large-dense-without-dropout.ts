// large-dense-without-dropout: a dense layer with a million or more weights and no regularisation next to
// it is where overfitting lives (Srivastava et al. 2014; AUTOTRAINER adds dropout there as a repair).
// What the file can show differs by format: an exported inference graph (ONNX, TensorFlow.js graph
// model) loses dropout when exported in eval mode and never records weight decay.
import { isKerasConfig, type Graph } from '../../model/ir';
import { isDropoutLayer } from '../../model/graph-index';
import { insertDropoutFix } from '../fixes';
import { downstream, hasWeightDecay } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

const MILLION = 1_000_000;

export const largeDenseWithoutDropout: Rule = {
  meta: {
    id: 'large-dense-without-dropout',
    severity: 'hint',
    docs: 'A hidden dense layer with 1M or more parameters and no dropout on its input or after it (nor weight decay, where the file can record it).',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const exported = isInferenceGraph(graph);
    // An eval-mode export removes every dropout: with none left, their absence says nothing.
    if (exported && !graph.layers.some(isDropoutLayer)) return [];
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      if (layer.op !== 'dense' || layer.params < MILLION) continue;
      const after = downstream(index, layer);
      // The output layer itself is not regularised by dropout (that would be dropout-after-output).
      if (!after.some((l) => l.op === 'dense' || l.op === 'conv')) continue;
      // Dropout on the layer's input regularises its weights as well (torchvision's AlexNet classifier).
      const dropsInput = index.previous(layer, { throughActivations: true }).some(isDropoutLayer);
      if (dropsInput || after.some(isDropoutLayer) || hasWeightDecay(graph, layer)) continue;
      reports.push({
        layer,
        message:
          `Dense layer '${layer.name}' has ${(layer.params / MILLION).toFixed(1)}M parameters and no dropout on ` +
          `its input or after it${known(graph)}, so it can memorise the training set (Srivastava et al., JMLR ` +
          `2014; AUTOTRAINER repairs this by adding dropout). Add dropout (rate 0.5) after it` +
          (exported
            ? `, unless training used weight decay (an exported graph does not record it).`
            : ', or weight decay.'),
        fixes: [insertDropoutFix(context, layer, 0.5, `Insert dropout (rate 0.5) after '${layer.name}'`)],
      });
    }
    return reports;
  },
};

function isInferenceGraph(graph: Graph): boolean {
  return graph.format === 'onnx' || graph.format === 'tfjs-graph';
}

/** What else the file shows: weight decay where the format records it, kept dropout in an export. */
function known(graph: Graph): string {
  if (graph.format === 'nn-json') return ' and no weight decay (training.l2)';
  if (isKerasConfig(graph.format)) return ' and no kernel_regularizer';
  return ", though this export keeps the model's other dropout";
}
