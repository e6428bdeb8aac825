// gaussian-rate-invalid: Gaussian dropout multiplies by N(1, σ²) with σ = √(rate / (1 − rate))
// (Srivastava et al. 2014 §10, Keras GaussianDropout): rate 0 adds no noise and rate ≥ 1 has no σ.
import { formatRate } from '../format-number';
import { setRateFix } from '../fixes';
import { finiteRate, rateRange } from '../predicates';
import type { Fix, Report, Rule, RuleContext } from '../rule';

export const gaussianRateInvalid: Rule = {
  meta: {
    id: 'gaussian-rate-invalid',
    severity: 'error',
    docs: 'Gaussian dropout with a rate of 0 or less, or 1 or more.',
    fixable: true,
  },
  check({ graph }: RuleContext): Report[] {
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const spec = layer.dropout;
      const rate = spec?.variant === 'gaussian' ? finiteRate(spec) : undefined;
      if (!spec || rate === undefined || (rate > 0 && rate < 1)) continue;
      const fixes: Fix[] = [];
      if (rate > 1) {
        // A rate above 1 is most likely the noise's standard deviation: σ² / (1 + σ²) is the rate for it.
        const fromStd = rate ** 2 / (1 + rate ** 2);
        fixes.push(
          setRateFix(layer, spec, fromStd, `Read ${formatRate(rate)} as σ: rate ${formatRate(fromStd)}`),
        );
      }
      fixes.push(setRateFix(layer, spec, 0.1, 'Set the rate to 0.1 (σ ≈ 0.33)'));
      const range = rateRange(layer, spec);
      reports.push({
        layer,
        message:
          `Gaussian dropout rate ${formatRate(rate)} is invalid: the noise has standard deviation ` +
          `σ = √(rate / (1 − rate)), which is 0 at rate 0 and undefined from rate 1 (Srivastava et al., JMLR ` +
          `2014 §10; Keras GaussianDropout). Use a rate in (0, 1), e.g. 0.1.`,
        ...(range ? { range } : {}),
        fixes,
      });
    }
    return reports;
  },
};
