// dropout-before-batchnorm: dropout changes the variance BatchNorm sees in training but not at inference
// ("variance shift", Li et al., CVPR 2019; NeuraLint f006).
import { moveLayerFix } from '../fixes';
import { formatRate } from '../format-number';
import { rateSpec } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const dropoutBeforeBatchnorm: Rule = {
  meta: {
    id: 'dropout-before-batchnorm',
    severity: 'warning',
    docs: 'Dropout that feeds a BatchNorm layer, directly or through an activation.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const spec = rateSpec(layer);
      if (!spec) continue;
      const bn = index.next(layer, { throughActivations: true }).find((l) => l.op === 'batchnorm');
      if (!bn) continue;
      reports.push({
        layer,
        message:
          `Dropout (rate ${formatRate(spec.rate)}) feeds BatchNorm '${bn.name}': at inference BN sees ` +
          `a different variance than in training (variance shift, Li et al., CVPR 2019; NeuraLint f006). ` +
          `Move the dropout after the last BatchNorm.`,
        related: [{ layer: bn, message: 'the BatchNorm fed by the dropout' }],
        fixes: [moveLayerFix(context, layer, 'after', bn, `Move the dropout after '${bn.name}'`)],
      });
    }
    return reports;
  },
};
