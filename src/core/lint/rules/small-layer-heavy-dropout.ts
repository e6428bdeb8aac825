// small-layer-heavy-dropout: a layer of n units under dropout keeps only (1 − rate)·n of them; Srivastava
// et al. keep p·n constant (a layer of n units needs n/p with dropout), so small layers underfit.
import { formatRate } from '../format-number';
import { setPropertyFix, setRateFix } from '../fixes';
import { bernoulliDropouts, rateRange, unitCount } from '../predicates';
import type { Fix, Report, Rule, RuleContext } from '../rule';

export const smallLayerHeavyDropout: Rule = {
  meta: {
    id: 'small-layer-heavy-dropout',
    severity: 'info',
    docs: 'Dropout with a rate of 0.5 or more after a dense layer of fewer than 32 units.',
    fixable: true,
  },
  check({ graph, index }: RuleContext): Report[] {
    const reports: Report[] = [];
    // 0.8 and above is keep-prob-confusion's.
    for (const { layer, spec, rate } of bernoulliDropouts(graph, index)) {
      if (rate < 0.5 || rate >= 0.8) continue;
      const small = index
        .previous(layer, { throughActivations: true })
        // A conv map has channels × positions units: only dense layers are small in this sense.
        .find((l) => l.op === 'dense' && (unitCount(l) ?? Infinity) < 32);
      if (!small) continue;
      const units = unitCount(small) as number;
      const kept = (1 - rate) * units;
      const wider = Math.ceil(units / (1 - rate));
      const fixes: Fix[] = [setRateFix(layer, spec, 0.2, 'Lower the rate to 0.2')];
      fixes.push(setPropertyFix(small, 'units', wider, `Widen '${small.name}' to ${wider} units`));
      const range = rateRange(layer, spec);
      reports.push({
        layer,
        message:
          `Dropout rate ${formatRate(rate)} after '${small.name}' with only ${units} units keeps about ` +
          `${formatRate(Number(kept.toFixed(1)))} of them per step, which tends to underfit (Srivastava et al., JMLR 2014: ` +
          `a layer of n units needs n/p units with dropout). Lower the rate, or widen the layer to ${wider}.`,
        ...(range ? { range } : {}),
        related: [{ layer: small, message: `the ${units}-unit layer` }],
        fixes,
      });
    }
    return reports;
  },
};
