// Matmul kernels on W1's shapes (MLP 784-256-256-10, batch 64), each alone: the forward product
// (matmulNT, y = x·Wᵀ), the input gradient (matmulNN, dX = dY·W) and the weight gradient (matmulTN,
// dW = dYᵀ·X). One JSON line per kernel and shape, with GFLOP/s and the share of the WebAssembly SIMD
// ceiling the kit's peak suite measures on this machine (`wasm_peak.js`: 51 GFLOP/s per core), by wall
// time and by CPU time. Each call's time includes packing its operands into panels. The operands are
// dense: NN and TN run their packed tile here (gradients behind ReLU and dropout take their sparse path,
// which this does not measure).
import type { Kernels } from '../src/core/engine/kernels/kernels';
import { kernelsFor, kernelsLabel } from '../src/core/engine/kernels/select';
import type { Vec } from '../src/core/engine/tensor';

/** The kit's WebAssembly SIMD ceiling per core (RESULTS.md, peak suite); `--peak` overrides it. */
const SIMD_PEAK_GFLOPS = 51.3;

type Matmul = 'matmulNT' | 'matmulNN' | 'matmulTN';

/** [kernel, m, n, k] of every product one W1 training step runs (the first layer needs no dX). */
const W1_SHAPES: [Matmul, number, number, number][] = [
  ['matmulNT', 64, 256, 784],
  ['matmulNT', 64, 256, 256],
  ['matmulNT', 64, 10, 256],
  ['matmulNN', 64, 256, 256],
  ['matmulNN', 64, 256, 10],
  ['matmulTN', 256, 784, 64],
  ['matmulTN', 256, 256, 64],
  ['matmulTN', 10, 256, 64],
];

function filled(k: Kernels, length: number, seed: number): Vec {
  const v = k.alloc('float32', length);
  for (let i = 0; i < length; i++) v[i] = (((i * 2654435761 + seed) >>> 0) % 1000) / 1000 - 0.5;
  return v;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

export function runKernels(args: string[] = []): Record<string, unknown>[] {
  const at = args.indexOf('--peak');
  const peak = at >= 0 ? Number(args[at + 1]) : SIMD_PEAK_GFLOPS;
  const k = kernelsFor();
  return W1_SHAPES.map(([name, m, n, kk]) => {
    // Operand lengths: a is m×k (NT, NN) or k×m (TN); b is n×k (NT) or k×n (NN, TN).
    const a = filled(k, m * kk, 1);
    const b = filled(k, n * kk, 2);
    const out = k.alloc('float32', m * n);
    const flop = 2 * m * n * kk;
    // About 20 ms per repetition, after a warm-up that lets V8 tier the module up.
    const calls = Math.max(1, Math.round(0.6e9 / flop));
    for (let i = 0; i < calls; i++) k[name](out, a, b, m, n, kk);
    const seconds: number[] = [];
    const cpuSeconds: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) k[name](out, a, b, m, n, kk);
      const cpu = process.cpuUsage(cpu0);
      seconds.push((performance.now() - t0) / 1000 / calls);
      cpuSeconds.push((cpu.user + cpu.system) / 1e6 / calls);
    }
    const gflops = flop / median(seconds) / 1e9;
    const gflopsCpu = flop / median(cpuSeconds) / 1e9;
    return {
      peer: 'dropout-lens',
      workload: 'kernels',
      kernel: name,
      build: kernelsLabel(k),
      shape: `${m}x${n}x${kk}`,
      node: process.version,
      threads: 1,
      seconds: median(seconds),
      gflops,
      gflops_best: flop / Math.min(...seconds) / 1e9,
      pct_of_simd_peak: (100 * gflops) / peak,
      // By CPU time: what the kernel does while it runs, on a machine other processes share.
      gflops_cpu: gflopsCpu,
      pct_of_simd_peak_cpu: (100 * gflopsCpu) / peak,
    };
  });
}
