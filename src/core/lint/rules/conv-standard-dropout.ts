// conv-standard-dropout: neighbouring pixels of a feature map are strongly correlated, so element-wise
// dropout barely removes information; dropping whole channels does (Tompson et al., CVPR 2015).
import { setVariantFix } from '../fixes';
import { inputRank } from '../predicates';
import { bernoulliDropouts } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const convStandardDropout: Rule = {
  meta: {
    id: 'conv-standard-dropout',
    severity: 'info',
    docs: 'Element-wise dropout on a convolutional feature map without a channel-shared noise shape.',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    return bernoulliDropouts(graph, index)
      .filter(
        ({ spec, position }) =>
          position === 'conv' && spec.variant === 'standard' && !sharesMask(spec.noiseShape),
      )
      .map(({ layer }) => ({
        layer,
        message:
          `Element-wise dropout on a convolutional feature map: neighbouring activations are correlated, so ` +
          `dropping single values removes little information (Tompson et al., CVPR 2015; Keras ` +
          `SpatialDropout2D docs). Use spatial dropout, which drops whole channels.`,
        fixes: [
          setVariantFix(
            context,
            layer,
            'spatial',
            inputRank(index, layer),
            'Use spatial dropout (drops whole channels)',
          ),
        ],
      }));
  },
};

/** A noise shape with a 1 on some non-batch axis shares one mask value along it (channel-wise dropout). */
function sharesMask(noiseShape: (number | null)[] | undefined): boolean {
  return noiseShape?.slice(1).includes(1) === true;
}
