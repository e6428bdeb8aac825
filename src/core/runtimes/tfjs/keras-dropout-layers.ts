// Keras dropout layers that TensorFlow.js 4.22 lacks or draws differently, registered under their Keras
// class names so a converted model loads and drops as Keras trained it:
//   SpatialDropout2D/3D: one Bernoulli value per sample and channel (tfjs has SpatialDropout1D only);
//   AlphaDropout: dropped units at α' = −λα (Klambauer et al. 2017, eq. 11; Keras's alpha_p). tfjs's own
//   layer puts them at +λα (it adds (kept − 1)·α'), so the affine correction no longer keeps the mean.
// Like every tfjs dropout layer they are the identity unless called with training: true.
import * as core from '@tensorflow/tfjs-core';
import * as layers from '@tensorflow/tfjs-layers';

type Kwargs = Record<string, unknown>;
type Args = { rate?: number; dataFormat?: string; name?: string };

const one = (inputs: core.Tensor | core.Tensor[]): core.Tensor =>
  Array.isArray(inputs) ? inputs[0]! : inputs;

function spatialDropout(className: string, rank: number) {
  return class extends layers.layers.Layer {
    static readonly className = className;
    readonly rate: number;
    readonly dataFormat: string;
    constructor(args: Args) {
      super(args);
      this.rate = Number(args.rate ?? 0);
      this.dataFormat = args.dataFormat ?? 'channelsLast';
    }
    override call(inputs: core.Tensor | core.Tensor[], kwargs: Kwargs): core.Tensor {
      return core.tidy(() => {
        const x = one(inputs);
        if (kwargs.training !== true || !(this.rate > 0 && this.rate < 1)) return x;
        if (x.rank !== rank)
          throw new Error(
            `${className} "${this.name}" needs a rank-${rank} input, not [${x.shape.join(', ')}]`,
          );
        const first = this.dataFormat === 'channelsFirst' || this.dataFormat === 'channels_first';
        const channel = first ? 1 : rank - 1;
        const noiseShape = x.shape.map((d, i) => (i === 0 || i === channel ? d : 1));
        return core.dropout(x, this.rate, noiseShape);
      });
    }
    override getConfig(): core.serialization.ConfigDict {
      return { ...super.getConfig(), rate: this.rate, dataFormat: this.dataFormat };
    }
  };
}

/** λ and α of SELU (Klambauer et al. 2017). */
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

class KerasAlphaDropout extends layers.layers.Layer {
  static readonly className = 'AlphaDropout';
  readonly rate: number;
  constructor(args: Args) {
    super(args);
    this.rate = Number(args.rate ?? 0);
  }
  override call(inputs: core.Tensor | core.Tensor[], kwargs: Kwargs): core.Tensor {
    return core.tidy(() => {
      const x = one(inputs);
      const p = this.rate;
      if (kwargs.training !== true || !(p > 0 && p < 1)) return x;
      const alphaP = -SELU_ALPHA * SELU_SCALE;
      const kept = core.cast(core.greaterEqual(core.randomUniform(x.shape), p), 'float32');
      const a = ((1 - p) * (1 + p * alphaP ** 2)) ** -0.5;
      const b = -a * alphaP * p;
      // x·kept + α'·(1 − kept), then a·(…) + b.
      const dropped = core.add(core.mul(x, kept), core.mul(core.sub(1, kept), alphaP));
      return core.add(core.mul(dropped, a), b);
    });
  }
  override getConfig(): core.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

export function registerKerasDropoutLayers(): void {
  core.serialization.registerClass(spatialDropout('SpatialDropout2D', 4));
  core.serialization.registerClass(spatialDropout('SpatialDropout3D', 5));
  core.serialization.registerClass(KerasAlphaDropout);
}
