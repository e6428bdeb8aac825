// attention-rate-unusual: transformers use attention and residual dropout of about 0.1 (Vaswani et al.
// 2017; BERT and GPT-2 configs); far above 0.3 it starves attention of signal.
import type { DropoutSpec, Layer } from '../../model/ir';
import { formatRate } from '../format-number';
import { setRateFix } from '../fixes';
import { bernoulliDropouts, finiteRate, rateRange } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const attentionRateUnusual: Rule = {
  meta: {
    id: 'attention-rate-unusual',
    severity: 'info',
    docs: 'Attention or residual dropout with a rate above 0.3.',
    fixable: true,
  },
  check({ graph, index }: RuleContext): Report[] {
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      if (layer.op !== 'attention') continue;
      for (const spec of layer.innerDropout ?? []) {
        const rate = finiteRate(spec);
        if (rate !== undefined && rate > 0.3 && rate < 1)
          reports.push(report(layer, spec, rate, 'attention'));
      }
    }
    for (const { layer, spec, rate, position } of bernoulliDropouts(graph, index)) {
      // 0.8 and above is keep-prob-confusion's.
      if (position === 'attention' && rate > 0.3 && rate < 0.8)
        reports.push(report(layer, spec, rate, 'residual'));
    }
    return reports;
  },
};

function report(layer: Layer, spec: DropoutSpec, rate: number, kind: string): Report {
  const range = rateRange(layer, spec);
  return {
    layer,
    message:
      `${kind === 'attention' ? 'Attention' : 'Attention / residual'} dropout rate ${formatRate(rate)} is unusual: ` +
      `transformers use about 0.1 (Vaswani et al. 2017; BERT and GPT-2 configs), and rates above 0.3 starve ` +
      `the attention of signal. Use 0.1 unless you have measured otherwise.`,
    ...(range ? { range } : {}),
    fixes: [setRateFix(layer, spec, 0.1, 'Set the rate to 0.1')],
  };
}
