// dropout-after-output: dropout belongs on inputs and hidden units, never on the outputs (Srivastava et
// al. 2014): after the final layer it randomly zeroes predictions and breaks the probabilities.
import { moveLayerFix } from '../fixes';
import { logitsLayerBefore } from '../predicates';
import type { Fix, Report, Rule, RuleContext } from '../rule';

export const dropoutAfterOutput: Rule = {
  meta: {
    id: 'dropout-after-output',
    severity: 'error',
    docs: "Dropout applied to the model's output, or after its final Softmax/Sigmoid.",
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      if (!layer.dropout) continue;
      const readsOutput = index.previous(layer).some((l) => index.isOutput(l));
      if (!readsOutput && !index.reachesOutputDirectly(layer)) continue;
      const last = logitsLayerBefore(index, layer);
      const fixes: Fix[] = last
        ? [moveLayerFix(context, layer, 'before', last, `Move the dropout before '${last.name}'`)]
        : [];
      reports.push({
        layer,
        message:
          `Dropout is applied to the model's output: it zeroes predictions at random in training and ` +
          `distorts the probabilities the loss sees (Srivastava et al., JMLR 2014 drop input and hidden ` +
          `units, never outputs). Move it before the last dense layer.`,
        ...(last ? { related: [{ layer: last, message: 'the final layer whose output is dropped' }] } : {}),
        fixes,
      });
    }
    return reports;
  },
};
