// Thumbnails of the most uncertain images for the MC panel: each image decoded again, small, once (the
// top samples change little from one partial result to the next), sent as base64 RGBA that the page
// draws on a canvas. Partial results take the ones ready and ask for the rest; the final result waits.
import type { DataStream } from '../core/data/stream';
import type { WireThumbnail } from '../protocol/worker';

/** The longest side of a thumbnail, in pixels. */
const SIDE = 64;
/** Thumbnails kept: the top samples of a run and those they displaced lately. */
const KEEP = 64;

export class Thumbnails {
  private readonly ready = new Map<number, WireThumbnail>();
  private readonly loading = new Map<number, Promise<void>>();

  constructor(private readonly stream: DataStream) {}

  /** The thumbnail of sample `index` if it is ready; otherwise it starts loading it. */
  peek(index: number): WireThumbnail | undefined {
    const t = this.ready.get(index);
    if (!t) void this.load(index);
    return t;
  }

  /** The thumbnail of sample `index` (undefined when the data have no pictures). */
  async get(index: number): Promise<WireThumbnail | undefined> {
    await this.load(index);
    return this.ready.get(index);
  }

  private load(index: number): Promise<void> {
    const { stream } = this;
    if (!stream.thumbnail || this.ready.has(index)) return Promise.resolve();
    let loading = this.loading.get(index);
    if (!loading) {
      loading = stream
        .thumbnail(index, SIDE)
        .then((t) => {
          if (this.ready.size >= KEEP) this.ready.delete(this.ready.keys().next().value as number);
          this.ready.set(index, {
            width: t.width,
            height: t.height,
            rgba: Buffer.from(t.rgba.buffer, t.rgba.byteOffset, t.rgba.byteLength).toString('base64'),
          });
        })
        // A picture that cannot be read again (deleted meanwhile) is shown without its thumbnail.
        .catch(() => undefined)
        .finally(() => this.loading.delete(index));
      this.loading.set(index, loading);
    }
    return loading;
  }
}
