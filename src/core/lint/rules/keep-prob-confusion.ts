// keep-prob-confusion: a dropout rate of 0.8 or more is almost always a keep probability written where
// the drop probability belongs (TF1's keep_prob became TF2's rate = 1 - keep_prob; papers use p for both).
import type { Layer } from '../../model/ir';
import { formatRate } from '../format-number';
import type { Report, Rule, RuleContext } from '../rule';

const KEEP_NAME = /keep_?prob/i;

export const keepProbConfusion: Rule = {
  meta: {
    id: 'keep-prob-confusion',
    severity: 'warning',
    docs: 'A dropout rate of 0.8 or more, or a TF1 keep_prob, probably means the keep probability was given where the drop rate belongs.',
    fixable: true,
  },
  check({ graph }: RuleContext): Report[] {
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const spec = layer.dropout;
      if (!spec || spec.variant === 'gaussian' || layer.op === 'gaussian-noise') continue;
      const rate = spec.rate;
      const highRate = rate >= 0.8 && rate < 1;
      const keepNamed = KEEP_NAME.test(layer.name) || spec.origin.keepProbability === true;
      if (!highRate && !(keepNamed && rate > 0 && rate < 1)) continue;
      reports.push(report(layer, rate, highRate));
    }
    return reports;
  },
};

function report(layer: Layer, rate: number, highRate: boolean): Report {
  const meant = formatRate(1 - rate);
  const shown = formatRate(rate);
  const why = highRate
    ? `Dropout rate ${shown} drops ${Math.round(rate * 100)}% of the units: this looks like a keep probability given as the drop rate`
    : `'${layer.name}' stores a keep probability (TF1 keep_prob) that was read as rate ${shown}`;
  const message =
    `${why} (TF1's keep_prob became rate = 1 − keep_prob in TF2, and papers use p for both). ` +
    `If you meant to keep ${Math.round(rate * 100)}% of the units, set the rate to ${meant}.`;
  const range = layer.source.properties?.rate;
  return {
    layer,
    message,
    ...(range ? { range } : {}),
    fixes: range
      ? [{ title: `Set rate to ${meant} (1 − ${shown})`, safe: false, edits: [{ ...range, newText: meant }] }]
      : [],
  };
}
