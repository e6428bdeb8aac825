// dropout-before-batchnorm: BatchNorm collects its moving variance with the dropout's noise in its input
// during training and applies it at inference, where dropout is an identity ("variance shift", Li et
// al., CVPR 2019; NeuraLint f006). The noise reaches BN through every op that carries variance (joins,
// reshapes, activations, pooling, padding: `carriesVariance`), so DenseNet's Dropout → Concat → BN counts.
import type { DropoutSpec, DropoutVariant, Layer } from '../../model/ir';
import { moveLayerFix } from '../fixes';
import { formatRate } from '../format-number';
import { carriesVariance, finiteRate, rateSpec } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const dropoutBeforeBatchnorm: Rule = {
  meta: {
    id: 'dropout-before-batchnorm',
    severity: 'warning',
    docs: 'Dropout whose output reaches a BatchNorm layer with no weight layer between.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    // A carrier that is not a join (a Constant input, such as Pad's pads, does not count): moving the
    // dropout along it changes no other tensor.
    const inChain = (l: Layer) =>
      carriesVariance(l) && index.producersOf(l).filter((p) => p.op !== 'constant').length === 1;
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const spec = rateSpec(layer);
      if (!spec) continue;
      // The first BatchNorm in graph order: in DenseNet the next layer's, not the block's transition.
      const bn = index
        .next(layer, { through: carriesVariance })
        .filter((l) => l.op === 'batchnorm')
        .sort((a, b) => graph.layers.indexOf(a) - graph.layers.indexOf(b))[0];
      if (!bn) continue;
      const chain = index.next(layer, { through: inChain });
      const join = chain.includes(bn)
        ? undefined
        : chain.find((l) => carriesVariance(l) && index.next(l, { through: carriesVariance }).includes(bn));
      reports.push({
        layer,
        message:
          `Dropout (rate ${formatRate(spec.rate)}) feeds BatchNorm '${bn.name}'` +
          (join ? ` through ${join.originalOp} '${join.name}'` : '') +
          `: in training BN's moving variance takes in the dropout's noise${ratio(spec)}, and ` +
          `at inference, where dropout is an identity, BN normalises with that larger variance (variance shift, ` +
          `Li et al., CVPR 2019; NeuraLint f006). Move the dropout after the last BatchNorm, or put a ` +
          `weight layer between.`,
        related: [
          { layer: bn, message: 'the BatchNorm fed by the dropout' },
          ...(join ? [{ layer: join, message: 'where the dropped tensor meets other inputs' }] : []),
        ],
        // Past a join, moving the dropout would drop the join's other inputs too.
        fixes: join ? [] : [moveLayerFix(context, layer, 'after', bn, `Move the dropout after '${bn.name}'`)],
      });
    }
    return reports;
  },
};

/** Variants that scale each kept unit by 1 / (1 − rate), or multiply it by noise of that second moment. */
const SCALED: ReadonlySet<DropoutVariant> = new Set(['standard', 'spatial', 'variational', 'gaussian']);

/** Li et al.'s train / inference variance ratio for a zero-mean input: 1 / (1 − rate). */
function ratio(spec: DropoutSpec): string {
  const rate = finiteRate(spec);
  if (!SCALED.has(spec.variant) || rate === undefined || !(rate > 0 && rate < 1)) return '';
  const factor = formatRate(Number((1 / (1 - rate)).toFixed(2)));
  return ` (${factor}× the inference variance for a zero-mean input: 1 / (1 − ${formatRate(rate)}))`;
}
