// inference-noop-dropout: in an inference ONNX graph a Dropout node is an identity (ONNX spec); it costs a
// node and suggests regularisation that never happens there.
import { removeLayerFix } from '../fixes';
import { isMarkedMcModel } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const inferenceNoopDropout: Rule = {
  meta: {
    id: 'inference-noop-dropout',
    severity: 'hint',
    docs: 'A Dropout node left in an inference ONNX graph, where it is an identity.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    if (context.graph.format !== 'onnx') return [];
    // A marked MC model keeps its Dropout nodes for sampling: removing one is offered, never applied unasked.
    const safe = !isMarkedMcModel(context.graph);
    const reports: Report[] = [];
    for (const layer of context.graph.layers) {
      const spec = layer.dropout;
      if (spec?.mode !== 'train-only' || spec.origin.trainingModeSource === 'graph-input') continue;
      // Dropout-1/-6 without is_test = 1 is random, not a no-op: legacy-is-test's.
      const legacy = spec.origin.opsetVersion !== undefined && spec.origin.opsetVersion < 7;
      if (legacy && spec.origin.isTest !== 1) continue;
      reports.push({
        layer,
        message:
          `Dropout '${layer.name}' does nothing in this inference graph: ONNX Dropout is an identity when not ` +
          `training (ONNX spec). Remove it and connect its input to its consumers.`,
        unnecessary: true,
        fixes: [removeLayerFix(context, layer, 'Remove the Dropout node and rewire', safe)],
      });
    }
    return reports;
  },
};
