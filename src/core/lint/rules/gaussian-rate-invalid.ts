// gaussian-rate-invalid: Gaussian dropout multiplies by N(1, σ²) with σ = √(rate / (1 − rate))
// (Srivastava et al. 2014 §10, Keras GaussianDropout): rate ≥ 1 or below 0 has no σ (an error); rate 0
// has σ = 0 and adds no noise (a no-op, reported as a hint like rate-zero).
import { formatRate } from '../format-number';
import { removeLayerFix, setRateFix } from '../fixes';
import { finiteRate, rateRange } from '../predicates';
import type { Fix, Report, Rule, RuleContext } from '../rule';

export const gaussianRateInvalid: Rule = {
  meta: {
    id: 'gaussian-rate-invalid',
    severity: 'error',
    docs: 'Gaussian dropout with a rate below 0 or of 1 or more (invalid), or of exactly 0 (a no-op).',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const reports: Report[] = [];
    for (const layer of context.graph.layers) {
      const spec = layer.dropout;
      const rate = spec?.variant === 'gaussian' ? finiteRate(spec) : undefined;
      if (!spec || rate === undefined || (rate > 0 && rate < 1)) continue;
      const range = rateRange(layer, spec);
      if (rate === 0) {
        // σ = 0 multiplies by exactly 1 (Keras GaussianDropout skips the noise): a no-op, not an error.
        reports.push({
          layer,
          message:
            `Gaussian dropout rate 0 adds no noise: σ = √(rate / (1 − rate)) = 0, so the layer is an identity ` +
            `(Srivastava et al., JMLR 2014 §10; Keras GaussianDropout). Remove it, or set a rate in (0, 1), e.g. 0.1.`,
          ...(range ? { range } : {}),
          severity: 'hint',
          unnecessary: true,
          fixes: [
            removeLayerFix(context, layer, 'Remove the no-op Gaussian dropout layer', true),
            setRateFix(layer, spec, 0.1, 'Set the rate to 0.1 (σ ≈ 0.33)'),
          ],
        });
        continue;
      }
      const fixes: Fix[] = [];
      if (rate > 1) {
        // A rate above 1 is most likely the noise's standard deviation: σ² / (1 + σ²) is the rate for it.
        const fromStd = rate ** 2 / (1 + rate ** 2);
        fixes.push(
          setRateFix(layer, spec, fromStd, `Read ${formatRate(rate)} as σ: rate ${formatRate(fromStd)}`),
        );
      }
      fixes.push(setRateFix(layer, spec, 0.1, 'Set the rate to 0.1 (σ ≈ 0.33)'));
      reports.push({
        layer,
        message:
          `Gaussian dropout rate ${formatRate(rate)} is invalid: the noise has standard deviation ` +
          `σ = √(rate / (1 − rate)), which is undefined below rate 0 and from rate 1 (Srivastava et al., JMLR ` +
          `2014 §10; Keras GaussianDropout). Use a rate in (0, 1), e.g. 0.1.`,
        ...(range ? { range } : {}),
        fixes,
      });
    }
    return reports;
  },
};
