// A change to a model described on the IR: what the linter's fixes propose for formats without text
// (ONNX "Fix and Save As…") and what the writers of those formats apply.
import type { DropoutVariant } from './ir';

/** Layers are named by id; `rate` is always the drop probability, whatever unit the file stores. */
export type GraphEdit =
  | { kind: 'set-attribute'; layer: string; name: string; value: unknown }
  | { kind: 'set-variant'; layer: string; variant: DropoutVariant }
  | { kind: 'remove-layer'; layer: string }
  | { kind: 'move-layer'; layer: string; position: 'before' | 'after'; anchor: string }
  | { kind: 'insert-dropout'; after: string; rate: number };
