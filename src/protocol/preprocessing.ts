// How images become model input, as the MC panel's form states it: the checks the page runs to show an
// error beside the field that has it, and the same checks the extension runs on every run request (a
// webview's message is untrusted input).
import type { ImagePreprocessing } from '../core/data/stream';
import { isObj } from './guards';

export type { ImagePreprocessing } from '../core/data/stream';

/** The longest image side the form takes: 4096² × 3 float32 is 200 MB a sample already. */
export const MAX_IMAGE_SIDE = 4096;

/** What the panel shows and remembers: the preprocessing, the model's default and ImageNet's statistics. */
export interface PreprocessingOffer {
  /** The one to run with: remembered for this model, else the default. */
  current: ImagePreprocessing;
  /** Guessed from the model's input shape. */
  default: ImagePreprocessing;
  imagenet: { mean: number[]; std: number[] };
  /** The model's sample shape without the batch axis (0 where a dimension is not fixed), when known. */
  inputShape?: number[];
}

/** Per field of the form, what is wrong with it (no key: the field is fine). */
export type PreprocessingProblems = Partial<Record<'size' | 'channels' | 'mean' | 'std' | 'layout', string>>;

const isSide = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_IMAGE_SIDE;

function perChannel(name: 'mean' | 'std', v: unknown, channels: number): string | undefined {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
    return `${name}: numbers only, one per channel, separated by commas`;
  if (v.length !== channels)
    return `${name}: ${channels} value${channels === 1 ? '' : 's'} for ${channels} channel${channels === 1 ? '' : 's'}, not ${v.length}`;
  if (name === 'std' && v.some((x) => (x as number) <= 0))
    return 'std: every value must be above 0 (the pixels are divided by it)';
  return undefined;
}

/**
 * What is wrong with `v` as preprocessing for a model taking `inputShape` (its fixed dimensions must
 * match the size, the channels and the layout): each field's problem.
 */
export function preprocessingProblems(v: unknown, inputShape?: readonly number[]): PreprocessingProblems {
  const p = isObj(v) ? v : {};
  const problems: PreprocessingProblems = {};
  if (!isSide(p.height) || !isSide(p.width))
    problems.size = `size: height × width in whole pixels from 1 to ${MAX_IMAGE_SIDE}, e.g. 224x224`;
  if (p.channels !== 1 && p.channels !== 3) problems.channels = 'channels: 1 (grey) or 3 (RGB)';
  if (p.layout !== 'nchw' && p.layout !== 'nhwc') problems.layout = 'layout: NCHW or NHWC';
  const channels = problems.channels ? 3 : (p.channels as number);
  const mean = perChannel('mean', p.mean, channels);
  const std = perChannel('std', p.std, channels);
  if (mean) problems.mean = mean;
  if (std) problems.std = std;
  if (inputShape?.length === 3 && !problems.size && !problems.channels && !problems.layout) {
    const [c, h, w] = p.layout === 'nchw' ? inputShape : [inputShape[2], inputShape[0], inputShape[1]];
    const differs = (fixed: number | undefined, given: unknown) =>
      fixed !== undefined && fixed > 0 && fixed !== given;
    if (differs(h, p.height) || differs(w, p.width))
      problems.size = `size: the model takes ${h || '?'}x${w || '?'} images (input ${shapeText(inputShape)})`;
    if (differs(c, p.channels))
      problems.channels = `channels: the model takes ${c} in ${String(p.layout).toUpperCase()} (input ${shapeText(inputShape)})`;
  }
  return problems;
}

/** A sample shape as the panel writes it: [3, 224, 224], "?" for a dimension that is not fixed. */
export const shapeText = (shape: readonly number[]) => `[${shape.map((d) => (d > 0 ? d : '?')).join(', ')}]`;

/** A checked copy of `v` when it is valid preprocessing (for a model taking `inputShape`), else undefined. */
export function parseImagePreprocessing(
  v: unknown,
  inputShape?: readonly number[],
): ImagePreprocessing | undefined {
  if (!isObj(v) || Object.keys(preprocessingProblems(v, inputShape)).length > 0) return undefined;
  return {
    height: v.height as number,
    width: v.width as number,
    channels: v.channels as 1 | 3,
    mean: [...(v.mean as number[])],
    std: [...(v.std as number[])],
    layout: v.layout as ImagePreprocessing['layout'],
  };
}

export const isImagePreprocessing = (v: unknown): v is ImagePreprocessing =>
  parseImagePreprocessing(v) !== undefined;

export const isPreprocessingOffer = (v: unknown): v is PreprocessingOffer =>
  isObj(v) &&
  isImagePreprocessing(v.current) &&
  isImagePreprocessing(v.default) &&
  isObj(v.imagenet) &&
  Array.isArray(v.imagenet.mean) &&
  Array.isArray(v.imagenet.std) &&
  (v.inputShape === undefined ||
    (Array.isArray(v.inputShape) && v.inputShape.every((d) => Number.isInteger(d) && d >= 0)));

/** The form's text as typed: "224x224" (or one number for a square), "0.485, 0.456, 0.406". */
export interface PreprocessingForm {
  size: string;
  channels: string;
  mean: string;
  std: string;
  layout: string;
}

const numbers = (text: string): number[] =>
  text
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map(Number);

/** The preprocessing the form's text states (checked with preprocessingProblems before it is used). */
export function readPreprocessingForm(form: PreprocessingForm): Record<keyof ImagePreprocessing, unknown> {
  const sides = form.size
    .toLowerCase()
    .split(/\s*[x×,]\s*/)
    .map((s) => (s.trim() === '' ? NaN : Number(s)));
  return {
    height: sides[0],
    width: sides.length === 1 ? sides[0] : sides.length === 2 ? sides[1] : NaN,
    channels: Number(form.channels),
    mean: numbers(form.mean),
    std: numbers(form.std),
    layout: form.layout,
  };
}

/** The form's text for `p`. */
export const preprocessingForm = (p: ImagePreprocessing): PreprocessingForm => ({
  size: `${p.height}x${p.width}`,
  channels: String(p.channels),
  mean: p.mean.join(', '),
  std: p.std.join(', '),
  layout: p.layout,
});
