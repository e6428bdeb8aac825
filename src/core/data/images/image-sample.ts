// One image file to one preprocessed sample, as torchvision's ImageFolder pipeline makes it:
// convert("RGB" or "L") → Resize((h, w), BILINEAR) → ToTensor (÷255) → Normalize(mean, std), then laid
// out channels-first (NCHW) or channels-last (NHWC).
import type { ImagePreprocessing, Thumbnail } from '../stream';
import { decodeImage, toChannels, type Pixels } from './decode';
import { resizeBilinear } from './resize';

/** Writes the sample of the image `bytes` (named `name` in errors) into `out` from `offset`. */
export function writeImageSample(
  bytes: Uint8Array,
  name: string,
  p: ImagePreprocessing,
  out: Float32Array,
  offset: number,
): void {
  const img = resizeBilinear(toChannels(decodeImage(bytes, name), p.channels), p.width, p.height);
  const pixels = p.width * p.height;
  const c = p.channels;
  const src = img.data;
  for (let ch = 0; ch < c; ch++) {
    const scale = 1 / (255 * (p.std[ch] as number));
    const shift = (p.mean[ch] as number) / (p.std[ch] as number);
    // NCHW: channel planes one after another; NHWC: the channels of a pixel together.
    const base = p.layout === 'nchw' ? offset + ch * pixels : offset + ch;
    const step = p.layout === 'nchw' ? 1 : c;
    for (let i = 0; i < pixels; i++) out[base + i * step] = (src[i * c + ch] as number) * scale - shift;
  }
}

/** The image fitted inside side × side (aspect ratio kept), as RGBA for a preview. */
export function imageThumbnail(bytes: Uint8Array, name: string, side: number): Thumbnail {
  return thumbnailOf(decodeImage(bytes, name), side);
}

/** `pixels` fitted inside side × side (aspect ratio kept), as opaque RGBA. */
export function thumbnailOf(pixels: Pixels, side: number): Thumbnail {
  const img = toChannels(pixels, 3);
  const fit = Math.min(1, side / Math.max(img.width, img.height));
  const width = Math.max(1, Math.round(img.width * fit));
  const height = Math.max(1, Math.round(img.height * fit));
  const small = resizeBilinear(img, width, height);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = small.data[i * 3] as number;
    rgba[i * 4 + 1] = small.data[i * 3 + 1] as number;
    rgba[i * 4 + 2] = small.data[i * 3 + 2] as number;
    rgba[i * 4 + 3] = 255;
  }
  return { width, height, rgba };
}
