// How images become model input: guessed from the model's input shape, or given as flags (the CLI's
// `--size 224x160 --mean imagenet --std imagenet --layout nchw`, the panel's fields).
import { DataError } from './dataset';
import { IMAGENET_MEAN, IMAGENET_STD, type ImagePreprocessing } from './stream';

const isChannels = (d: number | undefined): d is 1 | 3 => d === 1 || d === 3;

/**
 * The preprocessing a model's sample shape (no batch dimension) implies: [3, 224, 224] is NCHW RGB,
 * [224, 224, 3] NHWC, [1, 28, 28] or [28, 28, 1] grey, [28, 28] grey without a channel axis (laid out as
 * NHWC, which is then the same bytes). RGB gets the ImageNet mean and std, the statistics most pretrained
 * image models expect; grey gets none (mean 0, std 1). Undefined when the shape is not an image's.
 */
export function defaultPreprocessing(inputShape: readonly number[]): ImagePreprocessing | undefined {
  const dims = inputShape.length === 4 && inputShape[0] === 1 ? inputShape.slice(1) : [...inputShape];
  if (!dims.every((d) => Number.isInteger(d) && d > 0)) return undefined;
  const make = (channels: 1 | 3, height: number, width: number, layout: 'nchw' | 'nhwc') => ({
    height,
    width,
    channels,
    mean: channels === 3 ? [...IMAGENET_MEAN] : [0],
    std: channels === 3 ? [...IMAGENET_STD] : [1],
    layout,
  });
  if (dims.length === 2) return make(1, dims[0] as number, dims[1] as number, 'nhwc');
  if (dims.length !== 3) return undefined;
  const [a, b, c] = dims as [number, number, number];
  // A first axis of 1 or 3 with a larger image after it is channels-first; else channels-last.
  if (isChannels(a) && b > 4 && c > 4) return make(a, b, c, 'nchw');
  if (isChannels(c) && a > 4 && b > 4) return make(c, a, b, 'nhwc');
  return undefined;
}

/** The shape of one preprocessed sample. */
export function imageSampleShape(p: ImagePreprocessing): number[] {
  return p.layout === 'nchw' ? [p.channels, p.height, p.width] : [p.height, p.width, p.channels];
}

/** The preprocessing flags as the CLI takes them (strings, absent when not given). */
export interface PreprocessingFlags {
  /** "224" (square) or "224x160" (height × width). */
  size?: string;
  /** "imagenet", or one number per channel: "0.485,0.456,0.406" (or one number for every channel). */
  mean?: string;
  std?: string;
  layout?: string;
  /** "1" or "3"; defaults to the base's, else what --mean and --std imply, else 3. */
  channels?: string;
}

/**
 * Preprocessing from flags over `base` (usually `defaultPreprocessing` of the model): what a flag gives
 * replaces the base's. Throws a DataError naming the flag on a bad value.
 */
export function parsePreprocessing(flags: PreprocessingFlags, base?: ImagePreprocessing): ImagePreprocessing {
  let height = base?.height;
  let width = base?.width;
  if (flags.size !== undefined) {
    const m = /^\s*(\d+)\s*(?:[x×]\s*(\d+)\s*)?$/i.exec(flags.size);
    const h = m ? Number(m[1]) : NaN;
    const w = m?.[2] !== undefined ? Number(m[2]) : h;
    // The largest size is checked with the rest against the model (protocol's preprocessingProblems).
    if (!(h >= 1 && w >= 1 && Number.isSafeInteger(h) && Number.isSafeInteger(w)))
      throw new DataError(
        `--size "${flags.size}": give one size (224) or height x width (224x160), in whole pixels`,
      );
    height = h;
    width = w;
  }
  if (height === undefined || width === undefined)
    throw new DataError("--size is needed: the model's input shape does not say the image size");
  let channels: 1 | 3 | undefined = base?.channels;
  if (flags.channels !== undefined) {
    const c = Number(flags.channels);
    if (!isChannels(c)) throw new DataError(`--channels "${flags.channels}": give 1 (grey) or 3 (RGB)`);
    channels = c;
  }
  const meanList = flags.mean === undefined ? undefined : numberList('--mean', flags.mean, IMAGENET_MEAN);
  const stdList = flags.std === undefined ? undefined : numberList('--std', flags.std, IMAGENET_STD);
  // Without a base or --channels: three values anywhere mean RGB, single values grey (MNIST's 0.1307).
  const given = [meanList?.length, stdList?.length];
  channels ??= given.includes(3) ? 3 : given.includes(1) ? 1 : 3;
  const perChannel = (
    flag: string,
    list: number[] | undefined,
    fallback: number[] | undefined,
    neutral: number,
  ) => {
    const values = list ?? (fallback?.length === channels ? fallback : undefined) ?? [neutral];
    if (values.length === 1) return new Array<number>(channels).fill(values[0] as number);
    if (values.length !== channels)
      throw new DataError(`${flag} has ${values.length} values; the images have ${channels} channels`);
    return values;
  };
  const mean = perChannel('--mean', meanList, base?.mean, 0);
  const std = perChannel('--std', stdList, base?.std, 1);
  if (std.some((s) => s <= 0))
    throw new DataError(`--std must be positive in every channel (got ${std.join(',')})`);
  let layout = base?.layout ?? 'nchw';
  if (flags.layout !== undefined) {
    const l = flags.layout.trim().toLowerCase();
    if (l !== 'nchw' && l !== 'nhwc') throw new DataError(`--layout "${flags.layout}": give nchw or nhwc`);
    layout = l;
  }
  return { height, width, channels, mean, std, layout };
}

/** "imagenet" or comma-separated finite numbers. */
function numberList(flag: string, text: string, imagenet: number[]): number[] {
  if (text.trim().toLowerCase() === 'imagenet') return [...imagenet];
  const values = text.split(',').map((t) => (t.trim() === '' ? NaN : Number(t)));
  if (values.some((v) => !Number.isFinite(v)))
    throw new DataError(
      `${flag} "${text}": give "imagenet" or numbers separated by commas (0.485,0.456,0.406)`,
    );
  return values;
}
