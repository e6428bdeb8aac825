// The reference for the onnxruntime McModel on the corpus's exports: onnxruntime itself on the exporter's
// eval-mode file of the same model (Dropout removed by the exporter), one sample per run, softmaxed here.
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { loadOrt } from '../../../src/core/runtimes/onnxruntime/load-ort';

/** The softmax of the eval export `model` (a path or its bytes) for each sample; `feed` makes sample i. */
export async function evalSoftmax(
  model: string | Uint8Array,
  samples: number,
  feed: (i: number) => OrtTensor,
): Promise<number[]> {
  const ort = await loadOrt();
  const options = { logSeverityLevel: 3 as const };
  // create's overloads take a path or bytes, not a value that may be either.
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  const probs: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const out = await session.run({ input: feed(i) });
      const logits = Array.from(out.output!.data as Float32Array);
      const max = Math.max(...logits);
      const z = logits.reduce((s, v) => s + Math.exp(v - max), 0);
      probs.push(...logits.map((v) => Math.exp(v - max) / z));
    }
  } finally {
    await session.release();
  }
  return probs;
}
