// dropconnect-deterministic: DropConnect evaluated by scaling the weights is only a rough mean; Wan et al.
// (ICML 2013) sample at inference (moment matching or MC) to get the accuracy they report.
import type { Report, Rule, RuleContext } from '../rule';

export const dropconnectDeterministic: Rule = {
  meta: {
    id: 'dropconnect-deterministic',
    severity: 'info',
    docs: 'DropConnect that is evaluated only by weight scaling.',
    fixable: true,
  },
  check({ graph }: RuleContext): Report[] {
    return graph.layers
      .filter((layer) => layer.dropout?.variant === 'dropconnect' && layer.dropout.mode === 'train-only')
      .map((layer) => ({
        layer,
        message:
          `DropConnect '${layer.name}' is evaluated only by scaling its weights, a rough approximation of the ` +
          `mask average (Wan et al., ICML 2013 sample at inference instead). Evaluate with MC DropConnect ` +
          `(several sampled passes) for its accuracy and an uncertainty estimate.`,
        fixes: [
          {
            title: 'Evaluate with MC DropConnect',
            safe: false,
            edits: [],
            graphEdits: [{ kind: 'set-attribute', layer: layer.id, name: 'mode', value: 'always' }],
          },
        ],
      }));
  },
};
