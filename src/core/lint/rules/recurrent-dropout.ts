// recurrent-dropout: `recurrent_dropout` > 0 disables the fused (cuDNN) LSTM/GRU kernels (Keras docs),
// and a per-timestep dropout mask between stacked RNNs is what variational dropout replaces with one mask
// per sequence (Gal & Ghahramani, NeurIPS 2016).
import type { Layer } from '../../model/ir';
import { formatRate } from '../format-number';
import { setPropertyFix, setRateFix } from '../fixes';
import { finiteRate, rateRange } from '../predicates';
import type { Report, Rule, RuleContext } from '../rule';

export const recurrentDropout: Rule = {
  meta: {
    id: 'recurrent-dropout',
    severity: 'info',
    docs: 'An RNN with recurrent_dropout > 0, or a per-timestep dropout mask between stacked RNNs.',
    fixable: true,
  },
  check({ graph, index }: RuleContext): Report[] {
    const reports: Report[] = [];
    for (const layer of graph.layers) {
      for (const spec of layer.innerDropout ?? []) {
        const rate = finiteRate(spec);
        if (spec.origin.property !== 'recurrent_dropout' || rate === undefined || rate <= 0) continue;
        const range = rateRange(layer, spec);
        reports.push({
          layer,
          message:
            `recurrent_dropout ${formatRate(rate)} on '${layer.name}' disables the fused (cuDNN) recurrent ` +
            `kernels, so training is several times slower (Keras LSTM/GRU docs; Gal & Ghahramani, NeurIPS 2016). ` +
            `Keep it if you need variational recurrent dropout; otherwise use the input dropout only.`,
          ...(range ? { range } : {}),
          fixes: [setRateFix(layer, spec, 0, 'Set recurrent_dropout to 0 (fused kernels)')],
        });
      }
      if (layer.dropout?.variant === 'standard' && betweenRnns(index, layer) && !timeShared(layer)) {
        reports.push({
          layer,
          message:
            `Dropout between stacked RNNs draws a new mask at every timestep, which disturbs the sequence the ` +
            `next RNN reads; variational dropout uses one mask per sequence (Gal & Ghahramani, NeurIPS 2016). ` +
            `Share the mask over time with noise_shape [batch, 1, features].`,
          fixes: [
            setPropertyFix(layer, 'noise_shape', [null, 1, null], 'Share the mask over time (variational)'),
          ],
        });
      }
    }
    return reports;
  },
};

function betweenRnns(index: RuleContext['index'], layer: Layer): boolean {
  const isRnn = (l: Layer) => l.op === 'rnn';
  return index.previous(layer).some(isRnn) && index.next(layer).some(isRnn);
}

function timeShared(layer: Layer): boolean {
  return layer.dropout?.noiseShape?.[1] === 1;
}
