// Float32 buffers that live in the WebAssembly kernels' linear memory, so a kernel call passes byte
// offsets instead of copying operands. The memory is shared (SharedArrayBuffer-backed): growing it
// never detaches the views already handed out, which stay valid over the same bytes. Blocks return to
// a free list (exact sizes) when their view is garbage-collected, so networks built one after another
// reuse memory. A view's block is only kept alive by the view itself, not by its subarrays. Collection
// follows the JS heap's pressure, not this memory's: a run that allocates faster than the collector
// frees (MC passes over a large CNN) can fill it, so callers may ask for a block that is optional.

const PAGE = 65536;
/** Cache-line alignment; also keeps every f32x4 load aligned. */
const ALIGN = 64;
/** 1 GiB of address space (the shared memory must declare a maximum); pages are committed on growth. */
export const MAX_PAGES = 16384;

export class WasmMemory {
  readonly memory: WebAssembly.Memory;
  /** Every buffer object the memory has had (growth yields a new one over the same bytes). */
  private readonly buffers = new Set<ArrayBufferLike>();
  private current: ArrayBufferLike;
  /** Offset 0 stays unused so that no block starts at the null address. */
  private top = ALIGN;
  private readonly free = new Map<number, number[]>();
  private readonly registry = new FinalizationRegistry<[number, number]>(([offset, bytes]) => {
    let list = this.free.get(bytes);
    if (!list) this.free.set(bytes, (list = []));
    list.push(offset);
  });

  /** `maxPages` of 64 KiB (MAX_PAGES; fewer in tests). */
  constructor(private readonly maxPages = MAX_PAGES) {
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: maxPages, shared: true });
    this.current = this.memory.buffer;
    this.buffers.add(this.current);
  }

  /** A zero-filled Float32Array of `length` elements inside the linear memory; throws when it is full. */
  allocF32(length: number): Float32Array {
    const view = this.tryAllocF32(length);
    if (!view) throw new RangeError(`the WebAssembly kernels' memory is full (${this.maxPages / 16} MiB)`);
    return view;
  }

  /** As allocF32, or undefined when the memory is full. */
  tryAllocF32(length: number): Float32Array | undefined {
    const bytes = Math.max(ALIGN, Math.ceil((length * 4) / ALIGN) * ALIGN);
    let offset = this.free.get(bytes)?.pop();
    if (offset === undefined) {
      offset = this.top;
      if (!this.reserve(offset + bytes)) return undefined;
      this.top = offset + bytes;
    }
    const view = new Float32Array(this.current, offset, length);
    view.fill(0);
    this.registry.register(view, [offset, bytes]);
    return view;
  }

  /** True when `v` is a view into this memory (its byteOffset is then its address). */
  owns(v: ArrayBufferView): boolean {
    return v.buffer === this.current || this.buffers.has(v.buffer);
  }

  /** Grows the memory to hold `end` bytes; false when that is past its maximum. */
  private reserve(end: number): boolean {
    const have = this.current.byteLength;
    if (end <= have) return true;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > this.maxPages) return false;
    // Grow by at least a quarter of the current size, so a model built buffer by buffer grows rarely.
    this.memory.grow(Math.min(this.maxPages - have / PAGE, Math.max(pages, Math.ceil(have / PAGE / 4))));
    this.current = this.memory.buffer;
    this.buffers.add(this.current);
    return true;
  }
}
