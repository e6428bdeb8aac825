// Convolution and pooling over [N, C, ...spatial] tensors of any spatial rank, with ONNX's geometry:
// per-axis strides, dilations, begin/end pads, auto_pad and ceil_mode. The engine's Conv2d/Pool2d
// cover square, symmetric, undilated 2-D windows only; here one table of input offsets per (output
// position, kernel position) serves both, and the convolution still runs on the kernels' matmul.
import type { Kernels } from '../kernels/kernels';
import { EngineError } from '../engine-error';
import { sizeOf, type Tensor } from '../tensor';
import { strides, tensor } from './tensor-ops';

export interface WindowAttributes {
  kernel: number[];
  strides?: number[];
  dilations?: number[];
  /** [begin..., end...]. */
  pads?: number[];
  autoPad?: string;
  ceilMode?: boolean;
}

/** Offset table entries besides input offsets: inside the pads, or past the padded input (ceil_mode). */
const PAD = -1;
const OUTSIDE = -2;

interface Window {
  outShape: number[];
  kernelSize: number;
  /** [outPosition · kernelSize + kernelPosition] → spatial input offset, PAD or OUTSIDE. */
  offsets: Int32Array;
}

function window(inShape: readonly number[], w: WindowAttributes): Window {
  const rank = inShape.length;
  const s = w.strides ?? new Array<number>(rank).fill(1);
  const d = w.dilations ?? new Array<number>(rank).fill(1);
  const extent = w.kernel.map((k, i) => (k - 1) * (d[i] as number) + 1);
  const begin = new Array<number>(rank);
  const end = new Array<number>(rank);
  const outShape = inShape.map((size, i) => {
    const stride = s[i] as number;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') {
      const out = Math.ceil(size / stride);
      const total = Math.max(0, (out - 1) * stride + (extent[i] as number) - size);
      begin[i] = w.autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      end[i] = total - (begin[i] as number);
      return out;
    }
    const valid = w.autoPad === 'VALID';
    begin[i] = valid ? 0 : (w.pads?.[i] ?? 0);
    end[i] = valid ? 0 : (w.pads?.[i + rank] ?? 0);
    const span = size + (begin[i] as number) + (end[i] as number) - (extent[i] as number);
    let out = (w.ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
    // A window may not start in the end padding (the ceil_mode rule of PyTorch and ONNX's reference).
    if (w.ceilMode && (out - 1) * stride >= size + (begin[i] as number)) out--;
    return out;
  });
  if (outShape.some((n) => n < 1))
    throw new EngineError(`window [${w.kernel}] larger than the input [${inShape}]`);
  const kernelSize = sizeOf(w.kernel);
  const outSize = sizeOf(outShape);
  const inStrides = strides(inShape);
  const kernelStrides = strides(w.kernel);
  const outStrides = strides(outShape);
  const offsets = new Int32Array(outSize * kernelSize);
  for (let o = 0; o < outSize; o++)
    for (let k = 0; k < kernelSize; k++) {
      let at = 0;
      let entry = 0;
      for (let i = 0; i < rank; i++) {
        const oi = Math.floor(o / (outStrides[i] as number)) % (outShape[i] as number);
        const ki = Math.floor(k / (kernelStrides[i] as number)) % (w.kernel[i] as number);
        const x = oi * (s[i] as number) - (begin[i] as number) + ki * (d[i] as number);
        if (x >= (inShape[i] as number) + (end[i] as number)) entry = OUTSIDE;
        else if ((x < 0 || x >= (inShape[i] as number)) && entry === 0) entry = PAD;
        at += x * (inStrides[i] as number);
      }
      offsets[o * kernelSize + k] = entry === 0 ? at : entry;
    }
  return { outShape, kernelSize, offsets };
}

/** ONNX Conv: x [N, C, ...], weight [M, C/group, ...kernel], optional bias [M]. */
export function conv(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  w: Omit<WindowAttributes, 'ceilMode' | 'kernel'> & { group?: number },
  kernels: Kernels,
): Tensor {
  const [N, C] = x.shape as [number, number];
  const [M, perGroup] = weight.shape as [number, number];
  const group = w.group ?? 1;
  if (C !== perGroup * group || M % group !== 0)
    throw new EngineError(`conv weight [${weight.shape}] does not fit input [${x.shape}] in ${group} groups`);
  const spatial = x.shape.slice(2);
  const win = window(spatial, { ...w, kernel: weight.shape.slice(2) });
  const plane = sizeOf(spatial);
  const outPlane = sizeOf(win.outShape);
  const K = win.kernelSize;
  const patch = perGroup * K;
  const rows = N * outPlane;
  const filters = M / group;
  const cols = new Float32Array(rows * patch);
  const yc = new Float32Array(rows * filters);
  const y = tensor([N, M, ...win.outShape]);
  for (let g = 0; g < group; g++) {
    let col = 0;
    for (let n = 0; n < N; n++)
      for (let o = 0; o < outPlane; o++)
        for (let c = 0; c < perGroup; c++) {
          const base = (n * C + g * perGroup + c) * plane;
          for (let k = 0; k < K; k++, col++) {
            const at = win.offsets[o * K + k] as number;
            cols[col] = at >= 0 ? (x.data[base + at] as number) : 0;
          }
        }
    const wg = weight.data.subarray(g * filters * patch, (g + 1) * filters * patch);
    kernels.matmulNT(yc, cols, wg, rows, filters, patch);
    for (let n = 0; n < N; n++)
      for (let f = 0; f < filters; f++) {
        const m = g * filters + f;
        const b = bias ? (bias.data[m] as number) : 0;
        for (let o = 0; o < outPlane; o++)
          y.data[(n * M + m) * outPlane + o] = (yc[(n * outPlane + o) * filters + f] as number) + b;
      }
  }
  return y;
}

/** Max or average pooling; `countIncludePad` counts padding cells in the average's divisor. */
export function pool(x: Tensor, kind: 'max' | 'avg', w: WindowAttributes, countIncludePad = false): Tensor {
  const [N, C] = x.shape as [number, number];
  const spatial = x.shape.slice(2);
  const win = window(spatial, w);
  const plane = sizeOf(spatial);
  const outPlane = sizeOf(win.outShape);
  const K = win.kernelSize;
  const y = tensor([N, C, ...win.outShape]);
  for (let p = 0; p < N * C; p++)
    for (let o = 0; o < outPlane; o++) {
      let best = -Infinity;
      let sum = 0;
      let count = 0;
      for (let k = 0; k < K; k++) {
        const at = win.offsets[o * K + k] as number;
        if (at >= 0) {
          const v = x.data[p * plane + at] as number;
          best = Math.max(best, v);
          sum += v;
          count++;
        } else if (at === PAD && countIncludePad) count++;
      }
      y.data[p * outPlane + o] = kind === 'max' ? best : sum / count;
    }
  return y;
}
