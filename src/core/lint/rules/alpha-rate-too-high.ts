// alpha-rate-too-high: Klambauer et al. (2017) found alpha dropout rates of 0.05 or 0.1 to work well.
import { formatRate } from '../format-number';
import { setRateFix } from '../fixes';
import { finiteRate, rateRange } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const alphaRateTooHigh: Rule = {
  meta: {
    id: 'alpha-rate-too-high',
    severity: 'info',
    docs: 'Alpha dropout with a rate above 0.1.',
    fixable: true,
  },
  check({ graph }: RuleContext): Report[] {
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const spec = layer.dropout;
      const rate = spec?.variant === 'alpha' ? finiteRate(spec) : undefined;
      // 0.8 and above is keep-prob-confusion's.
      if (!spec || rate === undefined || rate <= 0.1 || rate >= 0.8) continue;
      const range = rateRange(layer, spec);
      reports.push({
        layer,
        message:
          `Alpha dropout rate ${formatRate(rate)} is high: Klambauer et al. (NeurIPS 2017) recommend 0.05 or ` +
          `0.1 for self-normalising networks. Lower it to 0.1 or 0.05.`,
        ...(range ? { range } : {}),
        fixes: [
          setRateFix(layer, spec, 0.1, 'Set the rate to 0.1'),
          setRateFix(layer, spec, 0.05, 'Set the rate to 0.05'),
        ],
      });
    }
    return reports;
  },
};
