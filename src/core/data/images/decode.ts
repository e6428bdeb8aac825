// PNG and JPEG bytes to 8-bit pixels. Decoders: `pngjs` (pure JS over Node's zlib, no dependencies, the
// most used PNG reader on npm; every colour type, bit depths 1-16, palettes, interlacing) and `jpeg-js`
// (pure JS, no dependencies; baseline and progressive JPEG, grey, YCbCr, Adobe CMYK). Neither has native
// code; together they add about 60 KB to a bundle. `fast-png` was the other candidate: ESM-only, which
// this CommonJS build cannot require. The format is sniffed from the bytes, not the file name.
import { decode as decodeJpegBytes } from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from '../dataset';

/** Row-major 8-bit pixels with 1 (grey), 3 (RGB) or 4 (RGBA) channels. */
export interface Pixels {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/** Larger images are refused before decoding (100 megapixels: 400 MB as RGBA). */
export const MAX_IMAGE_PIXELS = 100_000_000;

export type ImageKind = 'png' | 'jpeg';

/** Which decoder the bytes are for, from their signature; undefined when neither. */
export function imageKind(bytes: Uint8Array): ImageKind | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Decodes a PNG or JPEG; `name` (the file) is in every error. */
export function decodeImage(bytes: Uint8Array, name: string): Pixels {
  const kind = imageKind(bytes);
  if (kind === undefined)
    throw new DataError(`${name}: not a PNG or JPEG image (its first bytes are neither's signature)`);
  try {
    return kind === 'png' ? decodePng(bytes, name) : decodeJpeg(bytes);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(
      `${name}: the ${kind.toUpperCase()} image cannot be decoded (${(e as Error).message})`,
    );
  }
}

function decodeJpeg(bytes: Uint8Array): Pixels {
  const image = decodeJpegBytes(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    maxMemoryUsageInMB: 1024,
  });
  return { width: image.width, height: image.height, channels: 3, data: image.data };
}

function decodePng(bytes: Uint8Array, name: string): Pixels {
  // IHDR's width and height (big-endian at 16 and 20) bound the memory before the decoder allocates it.
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const pixels = view.getUint32(16) * view.getUint32(20);
    if (pixels > MAX_IMAGE_PIXELS)
      throw new DataError(`${name}: ${pixels} pixels, more than the ${MAX_IMAGE_PIXELS} an image may have`);
  }
  // pngjs gives every colour type and bit depth as 8-bit RGBA (palettes looked up, 16-bit scaled down).
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, channels: 4, data: png.data };
}

/**
 * The pixels in `channels` 1 (grey) or 3 (RGB) as Pillow's `convert` gives them: alpha dropped (not
 * composited), grey repeated to RGB, RGB to grey by ITU-R 601-2 luma (L = R·299/1000 + G·587/1000 + B·114/1000
 * in Pillow's 16-bit fixed point), which torchvision's Grayscale uses too.
 */
export function toChannels(p: Pixels, channels: 1 | 3): Pixels {
  if (p.channels === channels) return p;
  const n = p.width * p.height;
  const out = new Uint8Array(n * channels);
  const src = p.data;
  const step = p.channels;
  if (channels === 3) {
    if (step === 1)
      for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = src[i] as number;
    else for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = src[i * step + c] as number;
  } else {
    for (let i = 0; i < n; i++) {
      const r = src[i * step] as number;
      const g = src[i * step + 1] as number;
      const b = src[i * step + 2] as number;
      out[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }
  }
  return { width: p.width, height: p.height, channels, data: out };
}
