// An image sample as the worker made its thumbnail: RGBA pixels drawn on a canvas (no data URL to decode,
// and nothing the page's CSP has to allow), scaled up without smoothing.
import type { WireThumbnail } from '../../src/protocol/worker';
import { h } from '../shared/dom';

/** Shown this many CSS pixels wide; the height keeps the thumbnail's aspect. */
const SIDE = 72;

export function thumbnailImage(t: WireThumbnail, label: string): HTMLCanvasElement {
  const canvas = h('canvas', { width: t.width, height: t.height, class: 'thumbnail', role: 'img' });
  canvas.setAttribute('aria-label', label);
  canvas.style.width = `${SIDE}px`;
  canvas.style.height = `${Math.round((SIDE * t.height) / t.width)}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  const bytes = Uint8ClampedArray.from(atob(t.rgba), (c) => c.charCodeAt(0));
  ctx.putImageData(new ImageData(bytes, t.width, t.height), 0, 0);
  return canvas;
}
