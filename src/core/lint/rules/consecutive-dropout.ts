// consecutive-dropout: two dropout-family layers with no parametric layer between apply independent
// masks that multiply; one layer with rate 1 − Π(1 − rᵢ) does the same and says what it does.
import { combineFixes, removeLayerFix, setRateFix } from '../fixes';
import { formatRate } from '../format-number';
import { finiteRate } from '../predicates';
import type { Fix, Report, Rule, RuleContext } from '../rule';

export const consecutiveDropout: Rule = {
  meta: {
    id: 'consecutive-dropout',
    severity: 'warning',
    docs: 'Two dropout-family layers in a row with no parametric layer between them.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const reports: Report[] = [];
    for (const second of graph.layers) {
      if (!second.dropout) continue;
      // Only element-wise steps: past a join or a pooling the masks no longer multiply, so there is no
      // single rate to merge into (unlike the variance dropout-before-batchnorm follows).
      const [first, ...others] = index.previous(second, { throughActivations: true });
      if (!first?.dropout || others.length > 0 || index.consumersOf(first).length !== 1) continue;
      const r1 = finiteRate(first.dropout);
      const r2 = finiteRate(second.dropout);
      const bothStandard = first.dropout.variant === 'standard' && second.dropout.variant === 'standard';
      const fixes: Fix[] = [];
      let merged = '';
      if (bothStandard && r1 !== undefined && r2 !== undefined) {
        const rate = 1 - (1 - r1) * (1 - r2);
        merged = ` (here 1 − (1 − ${formatRate(r1)})(1 − ${formatRate(r2)}) = ${formatRate(rate)})`;
        fixes.push(
          combineFixes(
            `Merge into one dropout with rate ${formatRate(rate)}`,
            true,
            setRateFix(first, first.dropout, rate, ''),
            removeLayerFix(context, second, ''),
          ),
        );
      }
      reports.push({
        layer: second,
        message:
          `Dropout follows dropout '${first.name}' with no parametric layer between: the independent masks ` +
          `multiply, so together they drop 1 − Π(1 − rᵢ) of the units${merged}. Merge them into one layer ` +
          `with that rate, or put a layer between them.`,
        related: [{ layer: first, message: 'the first dropout' }],
        fixes,
      });
    }
    return reports;
  },
};
