// Opens the data a user names as a DataStream, choosing the reader by what the path is: a folder of
// images, an .npy or .npz array file, a CSV, or a built-in set (`builtin:NAME`).
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, sep } from 'node:path';
import { checkFileSize, DEFAULT_SIZE_LIMIT, type SizeLimit } from '../io/size-limit';
import { arrayStream, readLabels, withSource } from './arrays/array-stream';
import { fileByteSource } from './arrays/byte-source';
import { npzEntrySource, npzKeys } from './arrays/npz';
import { DataError, fitShape } from './dataset';
import { datasetStream } from './dataset-stream';
import { openImageFolder } from './images/image-folder';
import { loadData } from './load';
import { nodeDataSourceWithin } from './node-data';
import { sampleShapeFits } from './sample-shape';
import { defaultPreprocessing, imageSampleShape } from './preprocessing';
import type { DataStream, ImagePreprocessing } from './stream';

export interface OpenDataOptions {
  /**
   * The shape of one sample the model takes, without the batch axis ([3, 224, 224], [64]); null for a
   * free dimension (a sequence of any length), which only an .npy/.npz array's shape fills.
   */
  inputShape: (number | null)[];
  /** How images become samples; by default `defaultPreprocessing(inputShape)`. */
  preprocessing?: ImagePreprocessing;
  /** Files larger than this are refused unread (each image of a folder, an array file, a CSV). */
  limit?: SizeLimit;
  /** When given, the data must lie inside this folder: a path or link that leads out of it is refused. */
  within?: string;
  /** A CSV's class column. */
  labelColumn?: string | number;
  /** Seeds the synthetic built-in sets. */
  seed?: number;
}

/** Keys of an .npz's inputs and labels, in order of preference (`arr_0`/`arr_1`: `np.savez(f, x, y)`). */
const NPZ_INPUTS = ['x', 'X', 'inputs', 'images', 'data', 'arr_0'];
const NPZ_LABELS = ['y', 'Y', 'labels', 'targets', 'arr_1'];

/**
 * Which reader a data spec needs; `images` (a folder) is the one kind that takes an ImagePreprocessing.
 * (The data chooser's own categories are protocol's DataChoiceKind.)
 */
export type DataKind = 'builtin' | 'images' | 'npy' | 'npz' | 'csv';

/**
 * The kind of data `spec` names, from the file system (a folder is images) and the extension; undefined
 * when it names nothing readable. For a host to offer the preprocessing fields or flags only for images.
 */
export async function dataKind(spec: string): Promise<DataKind | undefined> {
  if (spec.startsWith('builtin:')) return 'builtin';
  const path = await realpath(spec).catch(() => undefined);
  return path === undefined ? undefined : fileKind(spec, path);
}

/**
 * The kind of the file `spec` (its real path `path`) by the extension of the name given, else of the
 * file a link leads to: a link without one (`data` → `x.npy`), or a link named `x.npy` to a content store
 * (Hugging Face's cache) whose files have none.
 */
async function fileKind(spec: string, path: string): Promise<DataKind | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) return 'images';
  if (!info?.isFile()) return undefined;
  const kinds = [spec, path].map((p) => extname(p).toLowerCase().slice(1));
  return kinds.find((k): k is 'npy' | 'npz' | 'csv' => k === 'npy' || k === 'npz' || k === 'csv');
}

export async function openDataStream(spec: string, options: OpenDataOptions): Promise<DataStream> {
  const limit = options.limit ?? DEFAULT_SIZE_LIMIT;
  const fixed = () => ({ ...options, inputShape: fixedShape(spec, options.inputShape) });
  if (spec.startsWith('builtin:')) return inMemory(spec, fixed(), limit);
  // Links are followed first: the kind and the folder check are those of the file the data are read from.
  const path = await realpath(spec).catch((e: NodeJS.ErrnoException) => {
    throw new DataError(e.code === 'ENOENT' ? `${spec}: no such file or folder` : `${spec}: ${e.message}`);
  });
  await checkWithin(path, spec, options.within);
  const kind = await fileKind(spec, path);
  if (kind === 'images') return openImages(path, spec, fixed(), limit);
  if (kind === undefined)
    throw new DataError(
      `${spec}: data are read from a folder of images (PNG, JPEG), an .npy or .npz array file, a .csv file, or builtin:NAME`,
    );
  checkFileSize(spec, (await stat(path)).size, limit);
  if (kind === 'npy') return openNpy(path, spec, options.inputShape, limit, options.within);
  if (kind === 'npz') return openNpz(path, spec, options.inputShape);
  return inMemory(spec, fixed(), limit);
}

/** A model input with free dimensions takes arrays only: images and CSV rows have a size of their own. */
function fixedShape(spec: string, shape: (number | null)[]): number[] {
  if (shape.every((d) => d !== null)) return shape;
  throw new DataError(
    `${spec}: the model's input [${shape.map((d) => d ?? '?').join(', ')}] has free dimensions; ` +
      'give its samples as an .npy or .npz array, whose shape says them',
  );
}

async function openImages(
  path: string,
  spec: string,
  options: OpenDataOptions & { inputShape: number[] },
  limit: SizeLimit,
): Promise<DataStream> {
  const p = options.preprocessing ?? defaultPreprocessing(options.inputShape);
  if (!p)
    throw new DataError(
      `${spec} is a folder of images, but the model's input [${options.inputShape.join(', ')}] is not an image's ` +
        '([3, H, W], [H, W, 3], [1, H, W] or [H, W, 1]); give the image size, layout and channels',
    );
  const shape = imageSampleShape(p);
  if (!sampleShapeFits(shape, options.inputShape))
    throw new DataError(
      `images preprocessed to [${shape.join(', ')}] (${p.height}x${p.width}, ${p.channels} channel` +
        `${p.channels === 1 ? '' : 's'}, ${p.layout.toUpperCase()}) are not the model's input [${options.inputShape.join(', ')}]`,
    );
  return openImageFolder(path, p, limit, spec);
}

/** Refuses `path` (a real path, `spec` as the user named it) when it is not inside `within`. */
async function checkWithin(path: string, spec: string, within: string | undefined): Promise<void> {
  if (within === undefined) return;
  const rel = relative(await realpath(within), path);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..'))
    throw new DataError(`refusing ${spec}: it leads out of ${within}`);
}

/** A CSV or built-in set, read whole as training reads it; errors name `spec` as the user gave it. */
function inMemory(
  spec: string,
  options: OpenDataOptions & { inputShape: number[] },
  limit: SizeLimit,
): DataStream {
  const data = loadData(spec, nodeDataSourceWithin(limit), options.seed, {
    labelColumn: options.labelColumn,
  });
  return datasetStream(fitShape(data, options.inputShape), spec);
}

/**
 * The labels beside an .npy of inputs: `<name>.labels.npy`, or for `x.npy` / `x_<rest>.npy` (also `X`),
 * `y.npy` / `y_<rest>.npy`. Undefined when there is none.
 */
async function siblingLabels(path: string): Promise<string | undefined> {
  const stem = basename(path, extname(path));
  const candidates = [join(dirname(path), `${stem}.labels.npy`)];
  const m = /^[xX](_.*)?$/.exec(stem);
  if (m)
    candidates.push(join(dirname(path), `y${m[1] ?? ''}.npy`), join(dirname(path), `Y${m[1] ?? ''}.npy`));
  for (const candidate of candidates)
    if (
      await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return candidate;
  return undefined;
}

async function openNpy(
  path: string,
  name: string,
  inputShape: (number | null)[],
  limit: SizeLimit,
  within: string | undefined,
): Promise<DataStream> {
  const sibling = await siblingLabels(path);
  // A labels file that is a link is followed only where the data may be read.
  const labelsPath = sibling === undefined ? undefined : await realpath(sibling);
  if (sibling !== undefined && labelsPath !== undefined) await checkWithin(labelsPath, sibling, within);
  const labels =
    labelsPath === undefined
      ? undefined
      : async (count: number) => {
          checkFileSize(labelsPath, (await stat(labelsPath)).size, limit);
          return withSource(
            () => fileByteSource(labelsPath),
            (s) => readLabels(s, count),
          );
        };
  return arrayStream(() => fileByteSource(path, name), inputShape, name, labels);
}

async function openNpz(path: string, name: string, inputShape: (number | null)[]): Promise<DataStream> {
  const keys = await npzKeys(path);
  const labelsKey = NPZ_LABELS.find((k) => keys.includes(k));
  const inputsKey = NPZ_INPUTS.find((k) => keys.includes(k)) ?? (keys.length === 1 ? keys[0] : undefined);
  if (inputsKey === undefined)
    throw new DataError(
      `${name}: which array holds the inputs? It has ${keys.map((k) => `"${k}"`).join(', ') || 'no arrays'}; ` +
        `name it one of ${NPZ_INPUTS.join(', ')}`,
    );
  const labels =
    labelsKey === undefined || labelsKey === inputsKey
      ? undefined
      : (count: number) =>
          withSource(
            () => npzEntrySource(path, labelsKey),
            (s) => readLabels(s, count),
          );
  return arrayStream(() => npzEntrySource(path, inputsKey), inputShape, name, labels);
}
