// The peer benchmark kit's workload data, from its published spec: mulberry32 stream `seed`, k-th value
// float32(u32 / 2³²) (float64 where the spec says so). Checked against the kit's checksums in a unit test.
import { Rng } from '../src/core/random/rng';

export function fillUniform<T extends Float32Array | Float64Array>(seed: number, out: T): T {
  const rng = new Rng(seed);
  for (let k = 0; k < out.length; k++) out[k] = rng.next();
  return out;
}

/** W1: 60,000 × 784 inputs (stream 1), labels floor(10·u) (stream 2, float64). */
export function w1Data(n = 60000, d = 784) {
  const x = fillUniform(1, new Float32Array(n * d));
  const u = fillUniform(2, new Float64Array(n));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.min(9, Math.floor(10 * (u[i] as number)));
  return { x, y, n, d };
}

/** W2: two moons, n = 1000, label i mod 2, angle π·u (stream 5), noise 0.1·(2u − 1) (stream 6). */
export function w2Data(n = 1000) {
  const angle = fillUniform(5, new Float64Array(n));
  const noise = fillUniform(6, new Float64Array(2 * n));
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.PI * (angle[i] as number);
    const c = i % 2;
    const px = c === 0 ? Math.cos(a) : 1 - Math.cos(a);
    const py = c === 0 ? Math.sin(a) : 0.5 - Math.sin(a);
    x[2 * i] = px + 0.1 * (2 * (noise[2 * i] as number) - 1);
    x[2 * i + 1] = py + 0.1 * (2 * (noise[2 * i + 1] as number) - 1);
    y[i] = c;
  }
  return { x, y, n, d: 2 };
}

/** W3: the 256 × 784 MC-dropout input (stream 3). */
export function w3Input(n = 256, d = 784) {
  return { x: fillUniform(3, new Float32Array(n * d)), n, d };
}

/** W5: 64 images, NCHW 3 × 224 × 224, uniform [0, 1] (stream 7). */
export function w5Input(n = 64) {
  return { x: fillUniform(7, new Float32Array(n * 3 * 224 * 224)), n, shape: [3, 224, 224] };
}
