// rate-too-high: above 0.5 on hidden units a dropout throws away more than half of the signal; Srivastava
// et al. found keep ≈ 0.5 for hidden layers to be the useful maximum.
import { formatRate } from '../format-number';
import { setRateFix } from '../fixes';
import { bernoulliDropouts, rateRange } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const rateTooHigh: Rule = {
  meta: {
    id: 'rate-too-high',
    severity: 'info',
    docs: 'A hidden-layer dropout rate between 0.5 and 0.8 drops more units than helps.',
    fixable: true,
  },
  check({ graph, index }: RuleContext): Report[] {
    return bernoulliDropouts(graph, index)
      .filter(({ rate, position }) => position === 'hidden' && rate > 0.5 && rate < 0.8)
      .map(({ layer, spec, rate }) => {
        const range = rateRange(layer, spec);
        return {
          layer,
          message:
            `Dropout rate ${formatRate(rate)} on a hidden layer drops more than half of the units: rates above ` +
            `0.5 rarely help and slow or stop learning (Srivastava et al., JMLR 2014: keep 0.5 is the usual ` +
            `maximum for hidden units). Use 0.5 or less.`,
          ...(range ? { range } : {}),
          fixes: [setRateFix(layer, spec, 0.5, 'Set the rate to 0.5')],
        };
      });
  },
};
