// Row-major dense tensors over Float32Array (training, inference) or Float64Array (gradient checks: finite
// differences in float32 are too noisy). A layer owns its output buffers and reuses them while the batch
// size stays the same, so a training step allocates nothing in steady state.

export type DType = 'float32' | 'float64';
export type Vec = Float32Array | Float64Array;

export interface Tensor {
  data: Vec;
  /** [batch, ...features]. */
  shape: number[];
}

/** Where tensor storage comes from: plain arrays, or the memory of the kernels that will use it. */
export interface Allocator {
  /** A zero-filled buffer of `length` elements. */
  alloc(dtype: DType, length: number): Vec;
}

export function alloc(dtype: DType, length: number): Vec {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Named buffers that survive between calls. `tensor(key, shape)` returns the same object (and storage)
 * for the same key and shape, and holds one entry per distinct batch size (a last partial batch does
 * not evict the full-size one).
 */
export class Workspace {
  private readonly tensors = new Map<string, Tensor>();

  /** `kernels` allocates the storage (so it lives where those kernels want it); plain arrays by default. */
  constructor(
    readonly dtype: DType,
    private readonly kernels: Allocator = { alloc },
  ) {}

  tensor(key: string, shape: readonly number[]): Tensor {
    const id = `${key}:${shape.join('x')}`;
    let t = this.tensors.get(id);
    if (!t) {
      t = { data: this.kernels.alloc(this.dtype, sizeOf(shape)), shape: [...shape] };
      this.tensors.set(id, t);
    }
    return t;
  }

  vec(key: string, length: number): Vec {
    return this.tensor(key, [length]).data;
  }
}
