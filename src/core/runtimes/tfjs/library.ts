// TensorFlow.js as the tfjs runtime uses it: core, layers, the graph-model converter and two backends.
// This file is the entry of its own bundle (dist/tfjs-runtime.js) that load-library.ts requires on first
// use, so the worker and the CLI start without parsing it. The WebAssembly backend's .wasm files ship
// beside that bundle and are read from the disk, never fetched (setWasmPaths, per the tfjs-backend-wasm
// README).
import * as core from '@tensorflow/tfjs-core';
import * as layers from '@tensorflow/tfjs-layers';
import * as converter from '@tensorflow/tfjs-converter';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { registerKerasDropoutLayers } from './keras-dropout-layers';

export { core, layers, converter };

// No development checks or console notes (tfjs-backend-cpu greets Node users on stderr).
core.enableProdMode();
registerKerasDropoutLayers();

/** The folder holding tfjs-backend-wasm-simd.wasm: beside the bundle, or the package's (tests run unbundled). */
function wasmFolder(): string {
  if (existsSync(join(__dirname, 'tfjs-backend-wasm-simd.wasm'))) return __dirname;
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
}

export interface TfjsBackend {
  /** "wasm" or "cpu". */
  name: 'wasm' | 'cpu';
  version: string;
  threads: number;
  /** Why the backend is not the WebAssembly one, when it is not. */
  fallback?: string;
}

let selected: Promise<TfjsBackend> | undefined;

async function select(): Promise<TfjsBackend> {
  setWasmPaths(`${wasmFolder()}/`);
  let why: string;
  try {
    // The backend's threaded build needs web workers with shared memory; in Node it runs one thread.
    if (await core.setBackend('wasm')) return { name: 'wasm', version: version_wasm, threads: 1 };
    why = 'the WebAssembly backend did not start';
  } catch (e) {
    why = `the WebAssembly backend did not start (${e instanceof Error ? e.message : String(e)})`;
  }
  return useCpuBackend(why);
}

/** Starts the WebAssembly backend (the JS one when it cannot start). Later calls give the same answer. */
export function startBackend(): Promise<TfjsBackend> {
  return (selected ??= select());
}

/**
 * Switches to the plain JS backend, for a model that needs a kernel the WebAssembly backend lacks.
 * Tensors made on the other backend move on first use (tfjs moves data between backends itself).
 */
export async function useCpuBackend(why: string): Promise<TfjsBackend> {
  await core.setBackend('cpu');
  const backend: TfjsBackend = { name: 'cpu', version: core.version_core, threads: 1, fallback: why };
  selected = Promise.resolve(backend);
  return backend;
}
