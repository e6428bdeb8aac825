// legacy-is-test: ONNX Dropout-1 and -6 are random unless `is_test` is 1 (ONNX Dropout-1/-6 spec);
// runtimes that honour the attribute drop units at inference when it is missing or 0.
import { setPropertyFix } from '../fixes';
import { isMarkedMcModel } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const legacyIsTest: Rule = {
  meta: {
    id: 'legacy-is-test',
    severity: 'warning',
    docs: 'ONNX Dropout-1/-6 with is_test missing or 0.',
    fixable: true,
  },
  check({ graph }: RuleContext): Report[] {
    // A marked MC model samples this randomness on purpose: the fix is offered, never applied unasked.
    const safe = !isMarkedMcModel(graph);
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const origin = layer.dropout?.origin;
      if (!origin || origin.opsetVersion === undefined || origin.opsetVersion >= 7) continue;
      if (origin.isTest === undefined || origin.isTest === 1) continue;
      const state = origin.isTest === null ? 'has no is_test attribute' : 'has is_test = 0';
      reports.push({
        layer,
        message:
          `Dropout '${layer.name}' (opset ${origin.opsetVersion}) ${state}: before opset 7 Dropout is random ` +
          `unless is_test is 1 (ONNX Dropout-1/-6 spec). Set is_test = 1, or re-export with a newer opset.`,
        fixes: [setPropertyFix(layer, 'is_test', 1, 'Set is_test = 1', safe)],
      });
    }
    return reports;
  },
};
