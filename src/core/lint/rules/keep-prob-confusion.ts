// keep-prob-confusion: a dropout rate of 0.8 or more is almost always a keep probability written where
// the drop probability belongs (TF1's keep_prob became TF2's rate = 1 - keep_prob; papers use p for both).
import type { DropoutSpec, Layer } from '../../model/ir';
import { combineFixes, setPropertyFix, setRateFix } from '../fixes';
import { formatRate } from '../format-number';
import { rateRange, rateSpec } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

const KEEP_NAME = /keep_?prob/i;

export const keepProbConfusion: Rule = {
  meta: {
    id: 'keep-prob-confusion',
    severity: 'warning',
    docs: 'A dropout rate of 0.8 or more, or a TF1 keep_prob, probably means the keep probability was given where the drop rate belongs.',
    fixable: true,
  },
  check({ graph }: RuleContext): Report[] {
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const spec = rateSpec(layer);
      if (!spec || spec.variant === 'gaussian') continue;
      const rate = spec.rate;
      if (!(rate > 0 && rate < 1)) continue;
      const highRate = rate >= 0.8;
      const converted = spec.origin.keepProbability === true;
      const keepNamed = [layer.name, spec.origin.op, ...(spec.origin.subgraphNodes ?? [])].some((n) =>
        KEEP_NAME.test(n),
      );
      if (highRate) reports.push(report(layer, spec, highRateWhy(rate, converted), false));
      // A keep_prob-named value the reader took as a rate: it is probably the keep probability.
      else if (keepNamed && !converted) reports.push(report(layer, spec, keepNamedWhy(layer, rate), true));
    }
    return reports;
  },
};

function highRateWhy(rate: number, converted: boolean): string {
  const drops = `drops ${Math.round(rate * 100)}% of the units`;
  return converted
    ? `The file stores keep probability ${formatRate(1 - rate)}, so this dropout ${drops}: this looks like a drop rate given as the keep probability`
    : `Dropout rate ${formatRate(rate)} ${drops}: this looks like a keep probability given as the drop rate`;
}

function keepNamedWhy(layer: Layer, rate: number): string {
  return `'${layer.name}' is named like a TF1 keep_prob, but its value was read as the drop rate ${formatRate(rate)}`;
}

function report(layer: Layer, spec: DropoutSpec, why: string, rename: boolean): Report {
  const rate = spec.rate;
  const meant = 1 - rate;
  const message =
    `${why} (TF1's keep_prob became rate = 1 − keep_prob in TF2, and papers use p for both). ` +
    `If you meant to keep ${Math.round(rate * 100)}% of the units, set the rate to ${formatRate(meant)}.`;
  const range = rateRange(layer, spec);
  const title = `Set rate to ${formatRate(meant)} (1 − ${formatRate(rate)})`;
  let fix = setRateFix(layer, spec, meant, title);
  // Once the value is a rate, a keep_prob name would mislead the next reader (and this rule): rename it.
  if (rename && KEEP_NAME.test(layer.name) && layer.source.properties?.name) {
    const name = layer.name.replace(KEEP_NAME, 'drop_rate');
    fix = combineFixes(
      `${title} and rename to '${name}'`,
      false,
      fix,
      setPropertyFix(layer, 'name', name, ''),
    );
  }
  return { layer, message, ...(range ? { range } : {}), fixes: fix.edits.length > 0 ? [fix] : [] };
}
