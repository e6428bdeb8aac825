// Reads one model file and lints it: the one pipeline behind the CLI, the worker and the editor.
import { openModel } from '../formats/detect';
import { ModelFormatError, decodeText, type ModelSource } from '../formats/reader';
import type { Graph, ModelFormat } from '../model/ir';
import type { LintConfig } from './config';
import { lintGraph } from './engine';
import type { Finding } from './rule';

export interface LintResult {
  path: string;
  format?: ModelFormat;
  graph?: Graph;
  findings: Finding[];
  /** Why the file could not be read; findings are empty then. */
  error?: { message: string; range?: { offset: number; length: number } };
}

export function lintSource(source: ModelSource, config?: LintConfig): LintResult {
  let graph: Graph;
  try {
    graph = openModel(source);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    const range = e.location && 'offset' in e.location ? e.location : undefined;
    return { path: source.path, findings: [], error: { message: e.message, ...(range ? { range } : {}) } };
  }
  const text = graph.format === 'onnx' ? undefined : decodeText(source.bytes);
  return { path: source.path, format: graph.format, graph, findings: lintGraph(graph, config, text) };
}
