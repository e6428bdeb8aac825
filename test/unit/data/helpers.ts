// Preprocessing as the tests state it most often: RGB normalised with ImageNet's mean and std, the
// default for an RGB model's input.
import { IMAGENET_MEAN, IMAGENET_STD, type ImagePreprocessing } from '../../../src/core/data/stream';

export const imagenetRgb = (
  height: number,
  width: number,
  layout: ImagePreprocessing['layout'] = 'nchw',
): ImagePreprocessing => ({
  height,
  width,
  channels: 3,
  mean: [...IMAGENET_MEAN],
  std: [...IMAGENET_STD],
  layout,
});
