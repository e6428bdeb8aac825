// Which kernels the engine uses: the WebAssembly ones when the runtime can instantiate them, the plain
// JS ones otherwise. Of the two WebAssembly builds, the relaxed SIMD one (fused multiply-add) runs where
// the runtime validates it (V8 ships relaxed SIMD from 11.4; Node 20's 11.3 has it behind
// --experimental-wasm-relaxed-simd), the SIMD one everywhere else. DROPOUT_LENS_KERNELS=js|wasm|simd|relaxed
// overrides: `wasm` is the best WebAssembly build, `simd` and `relaxed` name one (tests run both).
import { jsKernels, type Kernels } from './kernels';
import { EngineError } from '../engine-error';
import { createWasmKernels } from './wasm-kernels';

/** The compiled modules, base64, inlined by the build (esbuild `define`); absent in other builds. */
declare const __KERNELS_WASM__: string | undefined;
declare const __KERNELS_WASM_RELAXED__: string | undefined;

export type KernelChoice = 'js' | 'wasm' | 'simd' | 'relaxed';
type WasmBuild = 'simd' | 'relaxed';

const instances = new Map<WasmBuild, Kernels | null>();

/** The bytes of one build, or undefined when this bundle has none. */
export function wasmModuleBytes(build: WasmBuild): Uint8Array<ArrayBuffer> | undefined {
  const base64 =
    build === 'relaxed'
      ? typeof __KERNELS_WASM_RELAXED__ === 'string'
        ? __KERNELS_WASM_RELAXED__
        : undefined
      : typeof __KERNELS_WASM__ === 'string'
        ? __KERNELS_WASM__
        : undefined;
  return base64 === undefined ? undefined : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** True when this runtime compiles the relaxed SIMD build (checked by validating it, not by version). */
export function relaxedSimdAvailable(): boolean {
  const bytes = wasmModuleBytes('relaxed');
  return bytes !== undefined && WebAssembly.validate(bytes);
}

/** One build's kernels in this thread (one instance and memory per thread), or null if unavailable. */
function instance(build: WasmBuild): Kernels | null {
  const known = instances.get(build);
  if (known !== undefined) return known;
  let k: Kernels | null = null;
  try {
    const bytes = wasmModuleBytes(build);
    if (bytes && (build === 'simd' || WebAssembly.validate(bytes))) k = createWasmKernels(bytes);
  } catch {
    k = null; // No SIMD or no shared memory in this runtime: the JS kernels give the same results.
  }
  instances.set(build, k);
  return k;
}

/** The best WebAssembly kernels of this thread: relaxed SIMD where validated, else SIMD, else null. */
export function wasmKernels(): Kernels | null {
  return instance('relaxed') ?? instance('simd');
}

export function kernelsFor(choice?: KernelChoice): Kernels {
  const wanted = choice ?? (globalThis.process?.env?.DROPOUT_LENS_KERNELS as KernelChoice | undefined);
  if (wanted === 'js') return jsKernels;
  const k = wanted === 'simd' || wanted === 'relaxed' ? instance(wanted) : wasmKernels();
  if (k) return k;
  if (wanted === 'wasm' || wanted === 'simd' || wanted === 'relaxed')
    throw new EngineError(
      `the WebAssembly ${wanted === 'wasm' ? '' : `${wanted} `}kernels are not available in this runtime`,
    );
  return jsKernels;
}

/** Which kernels `k` are, for reports: the JS ones or one of the WebAssembly builds. */
export function kernelsLabel(k: Kernels): 'js' | WasmBuild {
  if (k === jsKernels) return 'js';
  return instances.get('relaxed') === k ? 'relaxed' : 'simd';
}
