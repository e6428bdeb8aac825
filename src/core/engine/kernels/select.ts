// Which kernels the engine uses: the WebAssembly SIMD ones when the runtime can instantiate them, the
// plain JS ones otherwise. DROPOUT_LENS_KERNELS=js|wasm overrides (tests run the suite under both).
import { jsKernels, type Kernels } from './kernels';
import { EngineError } from '../engine-error';
import { createWasmKernels } from './wasm-kernels';

/** The compiled module, base64, inlined by the build (esbuild `define`); absent in other builds. */
declare const __KERNELS_WASM__: string | undefined;

export type KernelChoice = 'js' | 'wasm';

let wasm: Kernels | null | undefined;

/** The WebAssembly kernels of this thread (one instance and memory per thread), or null if unavailable. */
export function wasmKernels(): Kernels | null {
  if (wasm !== undefined) return wasm;
  try {
    if (typeof __KERNELS_WASM__ !== 'string') return (wasm = null);
    wasm = createWasmKernels(Uint8Array.from(atob(__KERNELS_WASM__), (c) => c.charCodeAt(0)));
  } catch {
    wasm = null; // No SIMD or no shared memory in this runtime: the JS kernels give the same results.
  }
  return wasm;
}

export function kernelsFor(choice?: KernelChoice): Kernels {
  const wanted = choice ?? (globalThis.process?.env?.DROPOUT_LENS_KERNELS as KernelChoice | undefined);
  if (wanted === 'js') return jsKernels;
  const k = wasmKernels();
  if (k) return k;
  if (wanted === 'wasm') throw new EngineError('the WebAssembly kernels are not available in this runtime');
  return jsKernels;
}
