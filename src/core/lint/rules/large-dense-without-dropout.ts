// large-dense-without-dropout: a dense layer with a million or more weights and no regularisation after
// it is where overfitting lives (Srivastava et al. 2014; AUTOTRAINER adds dropout there as a repair).
import { insertDropoutFix } from '../fixes';
import { downstream, hasWeightDecay } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

const MILLION = 1_000_000;

export const largeDenseWithoutDropout: Rule = {
  meta: {
    id: 'large-dense-without-dropout',
    severity: 'hint',
    docs: 'A dense layer with 1M or more parameters and no dropout or weight decay after it.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      if (layer.op !== 'dense' || layer.params < MILLION) continue;
      const after = downstream(index, layer);
      // The output layer itself is not regularised by dropout (that would be dropout-after-output).
      if (!after.some((l) => l.op === 'dense' || l.op === 'conv')) continue;
      if (after.some((l) => l.dropout !== undefined) || hasWeightDecay(graph, layer)) continue;
      reports.push({
        layer,
        message:
          `Dense layer '${layer.name}' has ${(layer.params / MILLION).toFixed(1)}M parameters and no dropout or ` +
          `weight decay after it, so it can memorise the training set (Srivastava et al., JMLR 2014; AUTOTRAINER ` +
          `repairs this by adding dropout). Add dropout (rate 0.5) after it, or weight decay.`,
        fixes: [insertDropoutFix(context, layer, 0.5, `Insert dropout (rate 0.5) after '${layer.name}'`)],
      });
    }
    return reports;
  },
};
