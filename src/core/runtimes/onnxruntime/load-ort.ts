// onnxruntime-node, loaded on first use: its native library is large, and the CLI, the worker and the
// extension host start without it until a model actually runs on it.
import type * as Ort from 'onnxruntime-node';
import { EngineError } from '../../engine/engine-error';

export type OrtModule = typeof Ort;

let loading: Promise<OrtModule> | undefined;

export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-node').catch((e: unknown) => {
    loading = undefined;
    throw new EngineError(
      `onnxruntime-node could not be loaded on this platform (${process.platform}-${process.arch}): ` +
        `${e instanceof Error ? e.message : String(e)}`,
    );
  });
  return loading;
}
