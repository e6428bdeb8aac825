// input-rate-too-high: inputs carry the raw signal; Srivastava et al. keep about 80% of them.
import { formatRate } from '../format-number';
import { setRateFix } from '../fixes';
import { bernoulliDropouts, rateRange } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const inputRateTooHigh: Rule = {
  meta: {
    id: 'input-rate-too-high',
    severity: 'info',
    docs: 'Dropout directly on the model input should drop at most 20% of the inputs.',
    fixable: true,
  },
  check({ graph, index }: RuleContext): Report[] {
    return bernoulliDropouts(graph, index)
      .filter(({ rate, position }) => position === 'input' && rate > 0.2 && rate < 0.8)
      .map(({ layer, spec, rate }) => {
        const range = rateRange(layer, spec);
        return {
          layer,
          message:
            `Dropout rate ${formatRate(rate)} on the model input throws away ${Math.round(rate * 100)}% of the ` +
            `raw features (Srivastava et al., JMLR 2014 keep inputs with p ≈ 0.8). Use a rate of 0.2 or less ` +
            `on inputs.`,
          ...(range ? { range } : {}),
          fixes: [setRateFix(layer, spec, 0.2, 'Set the rate to 0.2')],
        };
      });
  },
};
