// dropout-on-logits: dropout between the final dense layer and its Softmax/Sigmoid drops class scores,
// not features (Srivastava et al. 2014 drop input and hidden units only).
import { moveLayerFix } from '../fixes';
import { isProbabilityLayer } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const dropoutOnLogits: Rule = {
  meta: {
    id: 'dropout-on-logits',
    severity: 'warning',
    docs: 'Dropout between the final dense layer and its Softmax/Sigmoid.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      if (!layer.dropout) continue;
      const probability = index
        .next(layer)
        .find(
          (l) =>
            isProbabilityLayer(l) && l.op !== 'dense' && l.op !== 'conv' && index.reachesOutputDirectly(l),
        );
      const logits = index.previous(layer).find((l) => l.op === 'dense' || l.op === 'conv');
      if (!probability || !logits) continue;
      reports.push({
        layer,
        message:
          `Dropout sits between the final layer '${logits.name}' and its ${probability.activation ?? 'softmax'}: ` +
          `it zeroes class scores (logits), not features (Srivastava et al., JMLR 2014 drop input and hidden ` +
          `units only). Move it before the final dense layer.`,
        related: [
          { layer: logits, message: 'the final dense layer producing the logits' },
          { layer: probability, message: 'the output activation' },
        ],
        fixes: [moveLayerFix(context, layer, 'before', logits, `Move the dropout before '${logits.name}'`)],
      });
    }
    return reports;
  },
};
