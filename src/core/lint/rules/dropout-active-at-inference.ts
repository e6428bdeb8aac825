// dropout-active-at-inference: an exported inference graph whose dropout still draws random masks gives a
// different answer on every run (ONNX Dropout-12/13 `training_mode`; onnx/onnx#3753, onnxruntime#5549).
import type { Fix, Report, Rule, RuleContext } from '../rule';
import { setPropertyFix } from '../fixes';
import { mcMarkerHint } from '../../model/mc-marker';
import { finiteRate, isMarkedMcModel } from '../predicates';

export const dropoutActiveAtInference: Rule = {
  meta: {
    id: 'dropout-active-at-inference',
    severity: 'error',
    docs: 'Dropout that is still random at inference (ONNX training_mode true, or a TF dropout subgraph on the inference path).',
    fixable: true,
  },
  check({ graph }: RuleContext): Report[] {
    const mc = isMarkedMcModel(graph);
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      if (layer.dropout?.mode !== 'inference-active') continue;
      // Ratio 0 keeps every unit (the mask is all ones, the scale 1): an identity, rate-zero's at most.
      if (finiteRate(layer.dropout) === 0) continue;
      const subgraph = layer.dropout.origin.subgraphNodes !== undefined;
      const how = subgraph
        ? `a RandomUniform → GreaterEqual → Mul dropout subgraph on the inference path`
        : `training_mode set to true`;
      // In a marked MC model the randomness is intended: the fix is offered, never applied unasked.
      const fixes: Fix[] = subgraph
        ? []
        : [setPropertyFix(layer, 'training_mode', false, 'Set training_mode to false', !mc)];
      reports.push({
        layer,
        message:
          `Dropout '${layer.name}' is random at inference (${how}): every run gives a different prediction ` +
          `(ONNX Dropout-12/13 spec; onnx/onnx#3753, onnxruntime#5549). ` +
          (subgraph
            ? 'Re-export the model in inference mode (training=False)'
            : 'Set training_mode to false or drop the input') +
          (mc
            ? '; the model is marked for MC dropout, so this is reported for information only.'
            : `, or, if this is intended, ${mcMarkerHint(graph.format)}.`),
        // Intended randomness is no mistake: info, so CI passes on the model the user marked.
        ...(mc ? { severity: 'info' as const } : {}),
        fixes,
      });
    }
    return reports;
  },
};
