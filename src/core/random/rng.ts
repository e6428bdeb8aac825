// Seeded pseudo-random numbers. Every stochastic part of the engine (init, shuffling, dropout masks,
// noise) draws from an Rng passed to it explicitly, so the same seed gives the same run bit for bit.

/** mulberry32's state increment (the golden-ratio-like Weyl constant). */
export const MULBERRY_STEP = 0x6d2b79f5;

/** mulberry32's output for state `a` (already advanced). */
export function mulberry32(a: number): number {
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A generator's position in its stream (`Rng.snapshot`). */
export interface RngState {
  state: number;
  origin: number;
  spare: number;
}

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator) in the stream form used by the benchmark data: the k-th
 * value of stream `seed` is a pure function of (seed, k). `next()` returns a float64 in [0, 1).
 */
export class Rng {
  private state: number;
  /** The state the stream started from: `seek` counts positions from it. */
  private readonly origin: number;
  /** A second normal from the last Box-Muller pair, or NaN when none is pending. */
  private spare = Number.NaN;

  constructor(seed: number) {
    this.state = seed >>> 0;
    this.origin = this.state;
  }

  /**
   * Moves to the `position`-th raw value of the stream (0-based, counted from the seed), so a block of
   * draws can be made as it would be in one long run. Positions are taken modulo 2³², the period.
   */
  seek(position: number): void {
    this.state = (this.origin + Math.imul(position % 4294967296, MULBERRY_STEP)) >>> 0;
    this.spare = Number.NaN;
  }

  /** Moves to the `position`-th normal of a stream drawn by `normal()` only (two raw values a pair). */
  seekNormal(position: number): void {
    this.seek(position - (position % 2));
    if (position % 2 === 1) this.normal();
  }

  /** The raw 32-bit output (unsigned). */
  nextUint32(): number {
    this.state = (this.state + MULBERRY_STEP) >>> 0;
    return mulberry32(this.state);
  }

  /**
   * Skips the next `count` raw values and returns the state they start from: the k-th of them (0-based)
   * is mulberry32(start + (k + 1)·MULBERRY_STEP), so a kernel can draw them in bulk, several at a time.
   */
  skip(count: number): number {
    const start = this.state;
    this.state = (start + Math.imul(count, MULBERRY_STEP)) >>> 0;
    return start;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box-Muller; pairs are used in full). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    // 1 - u lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Where the stream stands, as plain data: another thread continues it with `Rng.resume`. */
  snapshot(): RngState {
    return { state: this.state, origin: this.origin, spare: this.spare };
  }

  /** A generator that continues the stream of a `snapshot()` exactly. */
  static resume(s: RngState): Rng {
    const rng = new Rng(s.origin);
    rng.state = s.state;
    rng.spare = s.spare;
    return rng;
  }

  /** A new independent generator seeded from this one (for sub-streams such as init vs. dropout). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}

/** Fisher-Yates shuffle of `order` in place. */
export function shuffle(order: Int32Array | number[], rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
}
