// dropout-mask-consumed: the ONNX Dropout `mask` output is all ones at inference (ONNX spec), so any
// node that reads it computes with a constant that only looks random.
import type { Report, Rule, RuleContext } from '../rule';

export const dropoutMaskConsumed: Rule = {
  meta: {
    id: 'dropout-mask-consumed',
    severity: 'warning',
    docs: 'The optional mask output of an ONNX Dropout is read by another node.',
    fixable: false,
  },
  check({ graph }: RuleContext): Report[] {
    return graph.layers
      .filter((layer) => layer.dropout?.origin.maskConsumed === true)
      .map((layer) => ({
        layer,
        message:
          `The mask output of Dropout '${layer.name}' is used downstream, but at inference it is all ones ` +
          `(ONNX Dropout spec), so the consumers see a constant. Compute what they need without the mask.`,
      }));
  },
};
