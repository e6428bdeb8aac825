// spatial-dropout-rank: spatial dropout drops whole channels of a [batch, steps/space..., channels]
// tensor; Keras SpatialDropout1D/2D/3D need rank 3/4/5 and fail on anything else (e.g. after Flatten).
import { setVariantFix } from '../fixes';
import { inputRank } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const spatialDropoutRank: Rule = {
  meta: {
    id: 'spatial-dropout-rank',
    severity: 'error',
    docs: 'Spatial dropout on a tensor whose rank does not fit (e.g. after Flatten or Dense).',
    fixable: true,
  },
  check(context: RuleContext): Report[] {
    const { graph, index } = context;
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      const spec = layer.dropout;
      if (spec?.variant !== 'spatial') continue;
      const r = inputRank(index, layer);
      const dims = /([123])d/i.exec(spec.origin.op)?.[1];
      const expected = dims ? [Number(dims) + 2] : [3, 4, 5];
      if (r === undefined || expected.includes(r)) continue;
      const range = layer.source.properties?.type ?? layer.source.properties?.class_name;
      reports.push({
        layer,
        message:
          `Spatial dropout on a rank-${r} tensor: it drops whole channels and needs rank ${expected.join(' or ')} ` +
          `(Keras SpatialDropout1D/2D/3D input ranks); here there are no channels to drop. Use plain dropout.`,
        ...(range ? { range } : {}),
        fixes: [setVariantFix(context, layer, 'standard', r, 'Use plain dropout', true)],
      });
    }
    return reports;
  },
};
