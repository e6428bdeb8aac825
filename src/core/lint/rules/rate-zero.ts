// rate-zero: a dropout with rate 0 drops nothing; the layer is dead weight in the file (and in ONNX an
// identity node) that readers of the model may mistake for regularisation.
import { removeLayerFix } from '../fixes';
import { finiteRate, rateRange, rateSpec } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const rateZero: Rule = {
  meta: {
    id: 'rate-zero',
    severity: 'hint',
    docs: 'A dropout layer with rate 0 does nothing.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const reports: Report[] = [];
    for (const layer of context.graph.layers) {
      const spec = rateSpec(layer);
      // Gaussian dropout at 0 is gaussian-rate-invalid's.
      if (!spec || spec.variant === 'gaussian' || finiteRate(spec) !== 0) continue;
      const range = rateRange(layer, spec);
      reports.push({
        layer,
        message:
          `Dropout rate 0 drops nothing: the layer is an identity (by definition; the ONNX spec makes ratio 0 a ` +
          `no-op). Remove it, or set the rate you meant.`,
        ...(range ? { range } : {}),
        unnecessary: true,
        fixes: [removeLayerFix(context, layer, 'Remove the no-op dropout layer', true)],
      });
    }
    return reports;
  },
};
