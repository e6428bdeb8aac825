// alpha-dropout-without-selu: alpha dropout sets dropped units to SELU's negative saturation value and
// rescales for SELU's fixed point; next to other activations it just adds a skewed noise (Klambauer et al. 2017).
import { setVariantFix } from '../fixes';
import { inputRank, isSelu } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const alphaDropoutWithoutSelu: Rule = {
  meta: {
    id: 'alpha-dropout-without-selu',
    severity: 'warning',
    docs: 'Alpha dropout that is not next to SELU activations.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      if (layer.dropout?.variant !== 'alpha') continue;
      const neighbours = [...index.previous(layer), ...index.next(layer)];
      if (neighbours.some(isSelu)) continue;
      const range = layer.source.properties?.type ?? layer.source.properties?.class_name;
      reports.push({
        layer,
        message:
          `Alpha dropout is not next to a SELU activation: it is built to keep SELU's zero mean and unit ` +
          `variance and has no such meaning elsewhere (Klambauer et al., NeurIPS 2017). Use standard dropout, ` +
          `or SELU activations with lecun_normal initialisation.`,
        ...(range ? { range } : {}),
        fixes: [setVariantFix(context, layer, 'standard', inputRank(index, layer), 'Use standard dropout')],
      });
    }
    return reports;
  },
};
