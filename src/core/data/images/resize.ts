// Resizing as Pillow's `Image.resize(size, BILINEAR)` does it, which is what torchvision's `Resize` runs
// on the PIL images models are trained with: a triangle filter whose support widens by the shrink factor,
// so enlarging interpolates between the nearest 2×2 pixels and shrinking averages every source pixel under
// the wider triangle (area-like, no aliasing at any factor, rather than switching filters at 2×). Separable:
// rows first into an 8-bit image, then columns, with Pillow's 22-bit fixed-point weights, so the result
// matches Pillow's pixel for pixel (Pillow's libImaging/Resample.c, `precompute_coeffs` and
// `normalize_coeffs_8bpc`).
import type { Pixels } from './decode';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

/** For each output pixel: the first source pixel it reads, how many, and their fixed-point weights. */
interface Coefficients {
  first: Int32Array;
  count: Int32Array;
  /** `size` weights per output pixel. */
  weights: Float64Array;
  size: number;
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle's support is 1
  const size = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * size);
  const k = new Float64Array(size);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) / filterScale);
      const w = t < 1 ? 1 - t : 0;
      k[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? (k[x] as number) / total : (k[x] as number);
      weights[xx * size + x] = Math.trunc(0.5 + w * ONE);
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { first, count, weights, size };
}

const clip8 = (ss: number) => {
  const v = Math.floor(ss / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/** `p` resized to width × height (aspect ratio not kept, as torchvision's `Resize((h, w))`). */
export function resizeBilinear(p: Pixels, width: number, height: number): Pixels {
  let img = p;
  if (img.width !== width) img = horizontal(img, width);
  if (img.height !== height) img = vertical(img, height);
  return img;
}

function horizontal(p: Pixels, width: number): Pixels {
  const { first, count, weights, size } = coefficients(p.width, width);
  const c = p.channels;
  const out = new Uint8Array(width * p.height * c);
  const src = p.data;
  for (let y = 0; y < p.height; y++) {
    const row = y * p.width * c;
    for (let xx = 0; xx < width; xx++) {
      const x0 = first[xx] as number;
      const n = count[xx] as number;
      for (let ch = 0; ch < c; ch++) {
        let ss = HALF;
        for (let x = 0; x < n; x++)
          ss += (src[row + (x0 + x) * c + ch] as number) * (weights[xx * size + x] as number);
        out[(y * width + xx) * c + ch] = clip8(ss);
      }
    }
  }
  return { width, height: p.height, channels: p.channels, data: out };
}

function vertical(p: Pixels, height: number): Pixels {
  const { first, count, weights, size } = coefficients(p.height, height);
  const c = p.channels;
  const rowLength = p.width * c;
  const out = new Uint8Array(height * rowLength);
  const src = p.data;
  for (let yy = 0; yy < height; yy++) {
    const y0 = first[yy] as number;
    const n = count[yy] as number;
    for (let i = 0; i < rowLength; i++) {
      let ss = HALF;
      for (let y = 0; y < n; y++)
        ss += (src[(y0 + y) * rowLength + i] as number) * (weights[yy * size + y] as number);
      out[yy * rowLength + i] = clip8(ss);
    }
  }
  return { width: p.width, height, channels: p.channels, data: out };
}
