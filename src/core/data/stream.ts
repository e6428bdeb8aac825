// Data the way users keep it, read a batch at a time so a folder of 10,000 images never sits decoded in
// memory at once: image folders (class subfolders), .npy/.npz arrays, CSV and the built-in sets all give a
// DataStream. Samples come out preprocessed, in the model's layout, as float32 (integers stay exact below
// 2^24, so token ids pass through it).

/** How images become model input (shown in the panel, remembered per model, given to the CLI as flags). */
export interface ImagePreprocessing {
  /** Output height and width in pixels. */
  height: number;
  width: number;
  /** 3 (RGB) or 1 (grey). */
  channels: 1 | 3;
  /** Pixels are scaled to [0, 1] first, then (v − mean[c]) / std[c]. */
  mean: number[];
  std: number[];
  layout: 'nchw' | 'nhwc';
}

/** ImageNet's per-channel statistics, as torchvision and Keras applications normalise with them. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

export interface SampleBatch {
  /** Index of the batch's first sample in the stream. */
  start: number;
  n: number;
  /** n × sampleShape, preprocessed. */
  x: Float32Array;
  /** n labels; −1 where the data carry none. */
  y: Int32Array;
}

/** A thumbnail of one image sample, RGBA, for the panel's most uncertain inputs. */
export interface Thumbnail {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export interface DataStream {
  /** Shown to the user: the folder or file name. */
  name: string;
  /** Samples in the stream. */
  count: number;
  /** Shape of one sample as it comes out (e.g. [3, 224, 224]). */
  sampleShape: number[];
  /**
   * The element type the file stores ("int64", "float32", … as NumPy names it), for an integer model
   * input (token ids); absent where samples are computed (images, CSV, built-in sets): float32.
   */
  dtype?: string;
  /** Whether every sample has a label (accuracy, NLL and ECE need them). */
  labelled: boolean;
  /** Class names by label, when the data name them (an image folder's subfolders). */
  classNames?: string[];
  /** The preprocessing applied, for images. */
  preprocessing?: ImagePreprocessing;
  /** Files of the data's folder left out because they are not images (an image folder), for the message. */
  skipped?: number;
  /** Where sample i came from (a path relative to the data root, or "row i"). */
  sampleName(index: number): string;
  /** Batches of at most `size` samples, in order; reading stops when the caller stops iterating. */
  batches(size: number): AsyncIterable<SampleBatch>;
  /** A small preview of sample `index`, for images. */
  thumbnail?(index: number, side: number): Promise<Thumbnail>;
}
