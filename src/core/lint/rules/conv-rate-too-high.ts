// conv-rate-too-high: conv layers have few parameters per activation and correlated activations; common
// practice is ~0.2 for conv and 0.5 for dense (Tompson et al. 2015; the reference notes).
import { formatRate } from '../format-number';
import { setRateFix } from '../fixes';
import { bernoulliDropouts, rateRange } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const convRateTooHigh: Rule = {
  meta: {
    id: 'conv-rate-too-high',
    severity: 'info',
    docs: 'Dropout on convolutional feature maps with a rate above 0.3.',
    fixable: true,
  },
  check({ graph, index }: RuleContext): Report[] {
    return bernoulliDropouts(graph, index)
      .filter(({ rate, position }) => position === 'conv' && rate > 0.3 && rate < 0.8)
      .map(({ layer, spec, rate }) => {
        const range = rateRange(layer, spec);
        return {
          layer,
          message:
            `Dropout rate ${formatRate(rate)} on a convolutional feature map is high: conv layers usually take ` +
            `about 0.2, dense layers 0.5 (common practice; Tompson et al., CVPR 2015). Lower it to about 0.2.`,
          ...(range ? { range } : {}),
          fixes: [setRateFix(layer, spec, 0.2, 'Set the rate to 0.2')],
        };
      });
  },
};
