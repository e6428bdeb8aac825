// The ONNX op set a graph was read under (readers record every import in `meta.opsetImports`); an op's
// meaning depends on it (BatchNormalization's training form, Dropout's inputs).
import type { Graph } from './ir';

/** The default-domain (ai.onnx) op set version, or 0 when the graph records none. */
export function onnxOpset(graph: Graph): number {
  const imports = graph.meta.opsetImports as { domain: string; version: number }[] | undefined;
  return imports?.find((o) => o.domain === 'ai.onnx')?.version ?? 0;
}
