// HDF5 through jsfive, guarded where docs/keras-hdf5.md found it unsafe: every object is reached by a
// path the model's config names (no generic walk, so link cycles cannot loop); a dataset's declared size
// is checked against the bytes the file has before it is read (jsfive misreads dimensions ≥ 2³² and would
// allocate what a hostile shape declares); fixed-length strings lose their NUL padding; jsfive's bare
// RangeErrors (a truncated file) and thrown strings become ModelFormatErrors naming the HDF5 path.
import { Dataset, File, Group } from 'jsfive';
import type { ModelFormat } from '../../model/ir';
import { ModelFormatError } from '../reader';

export interface Hdf5Tensor {
  shape: number[];
  values: Float32Array;
}

const ITEM = /^[<>|=]?([fiu])(\d+)$/;

/**
 * jsfive reads an attribute's values in a loop over the count its dataspace declares, and reading a string
 * past the end of the file gives an empty one rather than an error: a damaged dimension (3·10⁹ strings)
 * fills memory. Every value takes at least one byte of the file, so a count above the file's size is
 * refused before the loop. `_attr_value` is internal to jsfive 0.4 (the test of a damaged attribute
 * dimension in keras-hostile.test.ts fails if it changes).
 */
function guardAttributeCounts(dataobjects: object): void {
  const proto = Object.getPrototypeOf(dataobjects) as {
    _attr_value?: (dtype: unknown, buf: ArrayBuffer, count: number, offset: number) => unknown;
    attributeCountsGuarded?: boolean;
  };
  const read = proto._attr_value;
  if (!read || proto.attributeCountsGuarded) return;
  proto._attr_value = function (dtype, buf, count, offset) {
    if (!(count <= buf.byteLength)) throw new RangeError(`an attribute declares ${count} values`);
    return read.call(this, dtype, buf, count, offset);
  };
  proto.attributeCountsGuarded = true;
}

export class Hdf5File {
  private readonly root: File;

  /** `bytes` may be a view into a larger buffer (a zip entry): jsfive needs an ArrayBuffer of its own. */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly path: string,
    private readonly format: ModelFormat,
  ) {
    const own =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? (bytes.buffer as ArrayBuffer)
        : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    this.root = this.guard('/', () => new File(own, path));
    guardAttributeCounts((this.root as unknown as { _dataobjects: object })._dataobjects);
  }

  /** Runs a jsfive call, turning whatever it throws into a located ModelFormatError. */
  private guard<T>(h5path: string, read: () => T): T {
    try {
      return read();
    } catch (e) {
      if (e instanceof ModelFormatError) throw e;
      const why =
        e instanceof RangeError
          ? `the file ends early or declares more than it holds (${e.message})`
          : e instanceof Error
            ? e.message
            : String(e);
      this.fail(h5path, why);
    }
  }

  fail(h5path: string, why: string): never {
    throw new ModelFormatError(this.format, `${this.path}: HDF5 "${h5path}": ${why}`, { node: h5path });
  }

  /** The group at `h5path`, or undefined when there is none. */
  group(h5path: string): Group | undefined {
    return this.guard(h5path, () => {
      const found = h5path === '/' ? this.root : this.lookup(h5path);
      return found instanceof Group ? found : undefined;
    });
  }

  has(h5path: string): boolean {
    return this.guard(h5path, () => this.lookup(h5path) !== null);
  }

  /** jsfive throws "x not found in group" for a missing link; absent is an answer here, not an error. */
  private lookup(h5path: string): Group | Dataset | null {
    const parts = h5path.split('/').filter(Boolean);
    let at: Group | Dataset | null = this.root;
    for (const part of parts) {
      if (!(at instanceof Group) || !at.keys.includes(part)) return null;
      at = at.get(part);
    }
    return at;
  }

  /** The link names of a group, in the order the file lists them. */
  keys(h5path: string): string[] {
    const group = this.group(h5path);
    if (!group) this.fail(h5path, 'no such group');
    return this.guard(h5path, () => group.keys);
  }

  attribute(h5path: string, name: string): unknown {
    const group = this.group(h5path);
    if (!group) this.fail(h5path, 'no such group');
    return this.guard(h5path, () => group.attrs[name]);
  }

  /** A string attribute (fixed-length NUL-padded or variable-length), or undefined when absent. */
  text(h5path: string, name: string): string | undefined {
    const value = this.attribute(h5path, name);
    if (value === undefined) return undefined;
    const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (typeof one !== 'string') this.fail(h5path, `attribute "${name}" is not a string`);
    return trimNul(one);
  }

  /**
   * A list-of-strings attribute (Keras's `layer_names`, `weight_names`). A layer without weights stores an
   * empty float64 array, which is an empty list.
   */
  strings(h5path: string, name: string): string[] | undefined {
    const value = this.attribute(h5path, name);
    if (value === undefined) return undefined;
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'string'))
      this.fail(h5path, `attribute "${name}" is not a list of strings`);
    return list.map(trimNul);
  }

  /** Reads a numeric dataset as float32, after checking its declared size against the file's bytes. */
  read(h5path: string): Hdf5Tensor {
    const dataset = this.guard(h5path, () => this.lookup(h5path));
    if (!(dataset instanceof Dataset)) this.fail(h5path, 'no such dataset');
    return this.guard(h5path, () => {
      const shape = dataset.shape;
      const item = typeof dataset.dtype === 'string' ? ITEM.exec(dataset.dtype) : null;
      if (!item) this.fail(h5path, `dtype ${JSON.stringify(dataset.dtype)} is not a number type`);
      if (!shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 32))
        this.fail(h5path, `declared shape [${shape.join(', ')}] is not a list of sizes below 2^32`);
      const count = shape.reduce((a, b) => a * b, 1);
      // jsfive reads a dimension of 2^32 or more modulo 2^32 (2^33 as 0); no Keras weight is empty.
      if (count === 0)
        this.fail(
          h5path,
          `declares no values (shape [${shape.join(', ')}]): a dimension of 2^32 or more, or no weight`,
        );
      const bytes = count * Number(item[2]);
      if (bytes > this.bytes.length)
        this.fail(
          h5path,
          `declares ${bytes} bytes of data ([${shape.join(', ')}]) but the file holds ${this.bytes.length}: the weights are not stored, or the shape is wrong`,
        );
      const raw = dataset.value;
      if (raw.length !== count)
        this.fail(h5path, `holds ${raw.length} values for shape [${shape.join(', ')}]`);
      // Unwritten chunks read as holes; HDF5's fill value for Keras's float weights is 0.
      return { shape: [...shape], values: Float32Array.from(raw, (v) => v ?? 0) };
    });
  }
}

const trimNul = (s: string): string => s.replace(/\0+$/, '');
