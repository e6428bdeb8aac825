// selu-needs-alpha-dropout: SELU networks keep activations at zero mean and unit variance; standard or
// Gaussian dropout breaks that, alpha dropout preserves it (Klambauer et al., NeurIPS 2017).
import { setVariantFix } from '../fixes';
import { inputRank, isSeluNetwork } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const seluNeedsAlphaDropout: Rule = {
  meta: {
    id: 'selu-needs-alpha-dropout',
    severity: 'warning',
    docs: 'Standard or Gaussian dropout inside a self-normalising (SELU) network.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    if (!isSeluNetwork(graph)) return [];
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const variant = layer.dropout?.variant;
      if (variant !== 'standard' && variant !== 'gaussian') continue;
      const range = layer.source.properties?.type ?? layer.source.properties?.class_name;
      reports.push({
        layer,
        message:
          `${variant === 'standard' ? 'Standard' : 'Gaussian'} dropout in a SELU network shifts the mean and ` +
          `variance that SELU keeps at 0 and 1, so the network stops self-normalising (Klambauer et al., ` +
          `NeurIPS 2017). Use alpha dropout.`,
        ...(range ? { range } : {}),
        fixes: [setVariantFix(context, layer, 'alpha', inputRank(index, layer), 'Use alpha dropout')],
      });
    }
    return reports;
  },
};
