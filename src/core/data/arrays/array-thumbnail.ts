// A preview of one sample of an array whose samples are images (MNIST as (N, 28, 28), CIFAR as
// (N, 3, 32, 32) or (N, 32, 32, 3)): the array holds no pixel range, so the sample's values are
// stretched from their minimum and maximum to 0-255.
import { thumbnailOf } from '../images/image-sample';
import { defaultPreprocessing } from '../preprocessing';
import type { Thumbnail } from '../stream';

/** Whether samples of `shape` can be shown as images ([C, H, W], [H, W, C] with C 1 or 3, or [H, W]). */
export const looksLikeImage = (shape: readonly number[]): boolean =>
  defaultPreprocessing(shape) !== undefined;

export function arrayThumbnail(sample: Float32Array, shape: readonly number[], side: number): Thumbnail {
  const p = defaultPreprocessing(shape);
  if (!p) throw new RangeError(`samples of shape [${shape.join(', ')}] are not images`);
  let min = Infinity;
  let max = -Infinity;
  for (const v of sample) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? 255 / (max - min) : 0;
  const { width, height, channels } = p;
  const pixels = width * height;
  const data = new Uint8Array(pixels * channels);
  for (let i = 0; i < pixels; i++)
    for (let c = 0; c < channels; c++) {
      const v = sample[p.layout === 'nchw' ? c * pixels + i : i * channels + c] as number;
      data[i * channels + c] = Math.round((v - min) * scale);
    }
  return thumbnailOf({ width, height, channels, data }, side);
}
