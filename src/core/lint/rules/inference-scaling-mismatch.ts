// inference-scaling-mismatch: classic dropout multiplies by the keep probability 1 − rate at inference
// (Srivastava 2014 weight scaling rule); multiplying by rate, or doing it after inverted dropout already
// scaled in training, shifts every activation (ConvNetJS PRs #61, #106).
import { formatRate } from '../format-number';
import { removeLayerFix, setPropertyFix } from '../fixes';
import { finiteRate, sameRate, scalarScale } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const inferenceScalingMismatch: Rule = {
  meta: {
    id: 'inference-scaling-mismatch',
    severity: 'error',
    docs: 'Dropout scaled by rate instead of 1 − rate at inference, or scaled twice.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const spec = layer.dropout;
      const rate = spec ? finiteRate(spec) : undefined;
      if (!spec || rate === undefined || rate === 0 || spec.variant === 'gaussian') continue;
      const [scaler, ...others] = index.next(layer);
      const scale = scaler ? scalarScale(scaler) : undefined;
      if (!scaler || scale === undefined || others.length > 0) continue;
      const keep = 1 - rate;
      if (spec.scaling === 'inverted' && sameRate(scale, keep)) {
        reports.push({
          layer,
          message:
            `Dropout '${layer.name}' is scaled twice: inverted dropout already divides by ${formatRate(keep)} ` +
            `in training, and '${scaler.name}' multiplies by ${formatRate(keep)} again at inference (Srivastava ` +
            `2014 weight scaling rule; ConvNetJS PRs #61, #106). Remove the extra scaling.`,
          related: [{ layer: scaler, message: 'the extra inference scaling' }],
          fixes: [removeLayerFix(context, scaler, `Remove the scaling '${scaler.name}'`, true)],
        });
      } else if (sameRate(scale, rate) && !sameRate(rate, keep)) {
        reports.push({
          layer,
          message:
            `Dropout '${layer.name}' is scaled by its rate ${formatRate(rate)} at inference instead of the keep ` +
            `probability ${formatRate(keep)} (Srivastava 2014 weight scaling rule; ConvNetJS PRs #61, #106). ` +
            `Scale by 1 − rate, or use inverted dropout.`,
          related: [{ layer: scaler, message: 'the inference scaling' }],
          fixes: [setPropertyFix(scaler, 'scale', keep, `Scale by ${formatRate(keep)} (1 − rate)`, true)],
        });
      }
    }
    return reports;
  },
};
