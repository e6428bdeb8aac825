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

/**
 * Larger images are refused before decoding, from the size their header states. Decoding costs about
 * 14 bytes a pixel at its peak (a 9000 × 9000 PNG: 1.1 GB), so 40 megapixels (a 36-Mpx camera's photos
 * pass) stays near 0.5 GB on the worker; MC inputs are resized to a few hundred pixels anyway.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

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
  const size = kind === 'png' ? pngSize(bytes) : jpegSize(bytes);
  if (size && size.width * size.height > MAX_IMAGE_PIXELS)
    throw new DataError(
      `${name}: ${size.width} × ${size.height} pixels, more than the ${MAX_IMAGE_PIXELS / 1e6} megapixels an image may have`,
    );
  try {
    return kind === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
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

/** IHDR's width and height (big-endian at 16 and 20: PNG spec, 11.2.2), when the bytes reach them. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * The frame's width and height from the first SOF marker segment (ITU T.81, B.2.2: after the marker, a
 * 2-byte length, the precision, then height and width, big-endian), skipping the segments before it.
 */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data or the end, no frame before
    at += 2 + (marker >= 0xd0 && marker <= 0xd7 ? 0 : view.getUint16(at + 2));
  }
  return undefined;
}

function decodePng(bytes: Uint8Array): Pixels {
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
