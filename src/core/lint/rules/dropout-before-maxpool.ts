// dropout-before-maxpool: dropout (maybe with an activation) right before max pooling zeroes values the
// max then mostly ignores; after pooling it acts on the features that are kept (NeuraLint f018).
import { moveLayerFix } from '../fixes';
import { isMaxPool } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const dropoutBeforeMaxpool: Rule = {
  meta: {
    id: 'dropout-before-maxpool',
    severity: 'info',
    docs: 'Dropout (optionally followed by an activation) directly before max pooling.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      if (!layer.dropout) continue;
      // Element-wise steps only (NeuraLint f018's "directly before"), so moving the dropout after the
      // pool changes no other tensor.
      const pool = index.next(layer, { throughActivations: true }).find(isMaxPool);
      if (!pool) continue;
      reports.push({
        layer,
        message:
          `Dropout directly before max pooling '${pool.name}': the pooled maximum mostly skips the zeroed ` +
          `values, so the dropout acts less than its rate says (NeuraLint f018). Move it after the pooling.`,
        related: [{ layer: pool, message: 'the max pooling after the dropout' }],
        fixes: [moveLayerFix(context, layer, 'after', pool, `Move the dropout after '${pool.name}'`)],
      });
    }
    return reports;
  },
};
