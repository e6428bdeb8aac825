// rate-out-of-range: a drop probability must be a number in [0, 1). Frameworks reject or silently clamp
// anything else (tfjs clamps to [0, 1]); we report it instead and never guess silently.
import type { DropoutSpec, Layer } from '../../model/ir';
import { setRateFix } from '../fixes';
import { formatRate } from '../format-number';
import { isOnModelInput, rateRange } from '../predicates';
import type { Fix, Report, Rule, RuleContext } from '../rule';

export const rateOutOfRange: Rule = {
  meta: {
    id: 'rate-out-of-range',
    severity: 'error',
    docs: 'A dropout rate must be a number in [0, 1); a Gaussian noise stddev a number ≥ 0.',
    fixable: true,
  },
  check({ graph, index }: RuleContext): Report[] {
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const specs = [...(layer.dropout ? [layer.dropout] : []), ...(layer.innerDropout ?? [])];
      for (const spec of specs) {
        const problem = problemOf(spec);
        if (problem === undefined) continue;
        const range = rateRange(layer, spec);
        const fallback = isOnModelInput(index, layer) ? 0.2 : 0.5;
        reports.push({
          layer,
          message: problem,
          ...(range ? { range } : {}),
          fixes: spec.variant === 'gaussian-noise' ? [] : fixes(layer, spec, fallback),
        });
      }
    }
    return reports;
  },
};

const shown = (value: number, raw: unknown) =>
  raw === undefined ? formatRate(value) : (JSON.stringify(raw) ?? String(raw));

function problemOf(spec: DropoutSpec): string | undefined {
  if (spec.variant === 'gaussian-noise') {
    const sigma = spec.stddev ?? Number.NaN;
    if (spec.rawStddev === undefined && sigma >= 0 && sigma < Infinity) return undefined;
    return (
      `Gaussian noise σ ${shown(sigma, spec.rawStddev)} is not a number ≥ 0 (Keras GaussianNoise stddev). ` +
      `Set a small non-negative stddev such as 0.1.`
    );
  }
  const notNumber = spec.rawRate !== undefined || !Number.isFinite(spec.rate);
  // Gaussian dropout's numeric range is gaussian-rate-invalid's business.
  if (!notNumber && (spec.variant === 'gaussian' || (spec.rate >= 0 && spec.rate < 1))) return undefined;
  const what =
    spec.origin.property && spec.origin.property !== 'rate' ? spec.origin.property : 'dropout rate';
  const why = notNumber ? 'is not a number' : spec.rate < 0 ? 'is negative' : 'drops every unit or more';
  return (
    `The ${what} ${shown(spec.rate, spec.rawRate)} ${why}: a drop probability lies in [0, 1) (ONNX Dropout spec, tf.nn.dropout, ` +
    `PyTorch nn.Dropout); frameworks reject it or clamp it silently. Set a number such as 0.5 for hidden ` +
    `layers or 0.2 for inputs.`
  );
}

function fixes(layer: Layer, spec: DropoutSpec, fallback: number): Fix[] {
  const result: Fix[] = [];
  const parsed = typeof spec.rawRate === 'string' ? Number(spec.rawRate) : Number.NaN;
  if (spec.rawRate !== undefined && Number.isFinite(parsed) && parsed >= 0 && parsed < 1) {
    result.push(setRateFix(layer, spec, parsed, `Write the rate as the number ${formatRate(parsed)}`, true));
  }
  if (spec.rawRate === undefined && spec.rate > 1 && spec.rate < 100) {
    const percent = spec.rate / 100;
    result.push(
      setRateFix(
        layer,
        spec,
        percent,
        `Read ${formatRate(spec.rate)} as a percentage: rate ${formatRate(percent)}`,
      ),
    );
  }
  result.push(setRateFix(layer, spec, fallback, `Set the rate to ${fallback}`));
  return result;
}
