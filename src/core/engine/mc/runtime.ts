// One MC interface over every engine that can run a model: the own engine (networks and the graphs its
// executor supports), onnxruntime for ONNX files and TensorFlow.js for tfjs models. A runtime answers for
// one model file; the pass loop (runMcPasses), the statistics and the reports are the same for all.
import type { McOptions, McPasses } from './mc';
import type { Tensor } from '../tensor';

/** Which engine ran an MC job: shown in the panel and printed as `engine` by `mc --json`. */
export interface McEngine {
  /** e.g. "dropout-lens", "onnxruntime-node", "tfjs-wasm". */
  name: string;
  version?: string;
  /** Compute threads it was given. */
  threads?: number;
}

/** A model loaded on a runtime, ready for MC dropout. */
export interface McModel {
  readonly engine: McEngine;
  /** The sample shape the model takes, without the batch axis (e.g. [3, 224, 224]). */
  readonly inputShape: number[];
  /** Why the run is what it is, for the user (e.g. "prefix: 152 of 155 nodes run once per input"). */
  readonly notes: string[];
  /** One pass in inference mode (every dropout off) over n × inputShape rows: n × classes probabilities. */
  deterministic(x: Tensor): Promise<Float32Array>;
  /**
   * The deterministic prefix run once over the rows of `x`, and the stochastic rest to run per chunk of
   * passes (see McPasses). Throws McNoStochasticLayerError when nothing in the model is random.
   */
  passes(x: Tensor, options: McOptions): Promise<McPasses>;
  /** Frees the runtime's sessions and memory. */
  dispose(): Promise<void>;
}
