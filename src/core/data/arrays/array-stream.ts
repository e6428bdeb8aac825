// An input array (and optional labels) from .npy data as a DataStream: the header is read at open, rows a
// batch at a time (C order) or, for a Fortran-order array, the whole array once, transposed to C order.
import { DataError } from '../dataset';
import { checkBatchSize } from '../dataset-stream';
import { sampleShapeFits } from '../sample-shape';
import type { DataStream, SampleBatch } from '../stream';
import { arrayThumbnail, looksLikeImage } from './array-thumbnail';
import type { ByteSource } from './byte-source';
import { npyDtype, readNpyHeader, toFloat32, type NpyHeader } from './npy';

/** Labels and Fortran-order arrays (transposed) are read whole; larger ones are refused. */
const MAX_WHOLE_BYTES = 512 * 2 ** 20;

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * How many samples of `sampleShape` the array holds: its first axis when the rest is the sample's shape
 * ([N, 784] or [N, 28, 28] for a [1, 28, 28] model: `sampleShapeFits`), else one sample when the whole
 * array is.
 */
export function samplesIn(shape: readonly number[], sampleShape: readonly number[], name: string): number {
  const rest = shape.slice(1);
  if (shape.length >= 1 && sampleShapeFits(rest, sampleShape)) return shape[0] as number;
  if (sampleShapeFits(shape, sampleShape)) return 1;
  const want = product(sampleShape);
  throw new DataError(
    product(rest) === want
      ? `${name}: samples of shape (${rest.join(', ')}) are laid out unlike the model's input ` +
          `[${sampleShape.join(', ')}]; save them in that shape (an NHWC array for an NCHW model is transposed ` +
          'with numpy.transpose(x, (0, 3, 1, 2)))'
      : `${name}: samples of shape (${rest.join(', ')}) have ${product(rest)} values, ` +
          `the model's input [${sampleShape.join(', ')}] needs ${want}`,
  );
}

/**
 * The sample shape of an array of `shape` for a model whose sample is `pattern`: the pattern itself, or,
 * when it has free dimensions (null), the array's shape after its first axis, which must have the
 * pattern's rank and fixed dimensions.
 */
export function sampleShapeOf(
  shape: readonly number[],
  pattern: readonly (number | null)[],
  name: string,
): number[] {
  if (pattern.every((d) => d !== null)) return [...(pattern as number[])];
  const rest = shape.slice(1);
  if (rest.length === pattern.length && pattern.every((d, i) => d === null || d === rest[i])) return rest;
  throw new DataError(
    `${name}: samples of shape (${rest.join(', ')}) do not fill the model's input ` +
      `[${pattern.map((d) => d ?? '?').join(', ')}]: save them with one array axis per input axis after the first`,
  );
}

/** All items of an array as float32, in C order. */
async function readWhole(source: ByteSource, h: NpyHeader): Promise<Float32Array> {
  const count = product(h.shape);
  if (count * h.itemSize > MAX_WHOLE_BYTES)
    throw new DataError(
      h.fortranOrder
        ? `${source.name}: a Fortran-order array of ${count * h.itemSize} bytes; save it in C order ` +
            `(numpy.ascontiguousarray) so it can be read a batch at a time`
        : `${source.name}: ${count * h.itemSize} bytes of labels, more than the ${MAX_WHOLE_BYTES} read at once`,
    );
  const stored = new Float32Array(count);
  toFloat32(h, await source.read(h.dataOffset, count * h.itemSize), count, stored);
  if (!h.fortranOrder || h.shape.length < 2) return stored;
  // Fortran order: the first index varies fastest. Walk the C-order index and its Fortran offset together.
  const out = new Float32Array(count);
  const dims = h.shape;
  const stride = dims.map((_, j) => product(dims.slice(0, j)));
  const index = new Array<number>(dims.length).fill(0);
  let f = 0;
  for (let c = 0; c < count; c++) {
    out[c] = stored[f] as number;
    for (let j = dims.length - 1; j >= 0; j--) {
      index[j] = (index[j] as number) + 1;
      f += stride[j] as number;
      if ((index[j] as number) < (dims[j] as number)) break;
      f -= (index[j] as number) * (stride[j] as number);
      index[j] = 0;
    }
  }
  return out;
}

/** `count` class labels: integers of shape [N] or [N, 1], or one-hot rows [N, C]. */
export async function readLabels(source: ByteSource, count: number): Promise<Int32Array> {
  const h = await readNpyHeader(source);
  const bad = (why: string) => new DataError(`${source.name}: not usable as labels (${why})`);
  if (h.shape[0] !== count || h.shape.length < 1 || h.shape.length > 2)
    throw bad(
      `shape (${h.shape.join(', ')}); labels for ${count} samples are shaped (${count},) or (${count}, classes)`,
    );
  const values = await readWhole(source, h);
  const columns = h.shape.length === 2 ? (h.shape[1] as number) : 1;
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (columns === 1) {
      const v = values[i] as number;
      if (!Number.isInteger(v) || v < 0)
        throw bad(`label ${v} at row ${i} is not a class index (0, 1, 2, …)`);
      y[i] = v;
      continue;
    }
    let hot = -1;
    for (let c = 0; c < columns; c++) {
      const v = values[i * columns + c] as number;
      if (v === 1 && hot < 0) hot = c;
      else if (v !== 0) hot = -2;
    }
    if (hot < 0) throw bad(`row ${i} is not one-hot (one 1, the rest 0)`);
    y[i] = hot;
  }
  return y;
}

/** Opens a source, runs `use` and closes the source. */
export async function withSource<T>(
  open: () => Promise<ByteSource>,
  use: (s: ByteSource) => Promise<T>,
): Promise<T> {
  const source = await open();
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

/**
 * A stream over the array `open` gives, shaped as `pattern` per sample (its free dimensions filled by
 * the array's shape: sampleShapeOf); `labels` reads the labels for
 * the sample count (readLabels), absent for unlabelled data. The array is opened to read its header, then
 * again for each pass over the batches, and closed when the pass ends or its caller stops iterating:
 * nothing stays open between runs.
 */
export async function arrayStream(
  open: () => Promise<ByteSource>,
  pattern: readonly (number | null)[],
  name: string,
  labels?: (count: number) => Promise<Int32Array>,
): Promise<DataStream> {
  const { h, count, whole, sampleShape } = await withSource(open, async (source) => {
    const h = await readNpyHeader(source);
    const sampleShape = sampleShapeOf(h.shape, pattern, source.name);
    const count = samplesIn(h.shape, sampleShape, source.name);
    return { h, count, sampleShape, whole: h.fortranOrder ? await readWhole(source, h) : undefined };
  });
  const y = labels ? await labels(count) : new Int32Array(count).fill(-1);
  const sampleSize = product(sampleShape);
  return {
    name,
    count,
    sampleShape: [...sampleShape],
    dtype: npyDtype(h),
    labelled: labels !== undefined,
    sampleName: (index) => `row ${index}`,
    async *batches(size: number): AsyncIterable<SampleBatch> {
      checkBatchSize(size);
      const source = whole ? undefined : await open();
      try {
        for (let start = 0; start < count; start += size) {
          const n = Math.min(size, count - start);
          let x: Float32Array;
          if (!source) x = (whole as Float32Array).subarray(start * sampleSize, (start + n) * sampleSize);
          else {
            x = new Float32Array(n * sampleSize);
            const at = h.dataOffset + start * sampleSize * h.itemSize;
            toFloat32(h, await source.read(at, n * sampleSize * h.itemSize), n * sampleSize, x);
          }
          yield { start, n, x, y: y.subarray(start, start + n) };
        }
      } finally {
        await source?.close();
      }
    },
    ...(looksLikeImage(sampleShape) && {
      async thumbnail(index: number, side: number) {
        if (!(index >= 0 && index < count))
          throw new RangeError(`no sample ${index} in ${name} (${count} samples)`);
        if (whole)
          return arrayThumbnail(
            whole.subarray(index * sampleSize, (index + 1) * sampleSize),
            sampleShape,
            side,
          );
        const sample = new Float32Array(sampleSize);
        const bytes = sampleSize * h.itemSize;
        await withSource(open, async (s) =>
          toFloat32(h, await s.read(h.dataOffset + index * bytes, bytes), sampleSize, sample),
        );
        return arrayThumbnail(sample, sampleShape, side);
      },
    }),
  };
}
