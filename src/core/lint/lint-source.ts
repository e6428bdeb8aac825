// Reads one model file and lints it: the one pipeline behind the CLI, the worker and the editor. A text
// file is decoded once (sourceText) and parsed once; readers, rules and the ranges' projection share both.
import { openModel } from '../formats/detect';
import { ModelFormatError, sourceText, type ModelSource } from '../formats/reader';
import type { Graph, ModelFormat } from '../model/ir';
import { markMcModel, type LintConfig } from './config';
import { lintGraph } from './engine';
import type { Finding } from './rule';

export interface LintResult {
  path: string;
  format?: ModelFormat;
  graph?: Graph;
  findings: Finding[];
  /** The file's text for text formats (ranges are offsets into it); absent for binary ones. */
  text?: string;
  /**
   * Why the file could not be read; findings are empty then. `format`: the reader that took the file as
   * its own and failed on it, or 'unknown' when no reader took it.
   */
  error?: { message: string; range?: { offset: number; length: number }; format: ModelFormat | 'unknown' };
}

/**
 * Formats whose files are text that the rules' ranges point into. Any other (ONNX, Keras's zip and HDF5)
 * is binary: it is never decoded as text (a 100 MB weights file would be), and its findings name layers.
 */
const TEXT_FORMATS: ReadonlySet<ModelFormat> = new Set(['tfjs-layers', 'tfjs-graph', 'nn-json']);

/** `absolutePath`: the file's absolute path, matched against `mcModels`, when `source.path` is relative. */
export function lintSource(source: ModelSource, config?: LintConfig, absolutePath = source.path): LintResult {
  let graph: Graph;
  try {
    graph = openModel(source);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    const range = e.location && 'offset' in e.location ? e.location : undefined;
    return {
      path: source.path,
      findings: [],
      // A located error comes from a text reader, which has decoded the text already.
      ...(range ? { text: sourceText(source) } : {}),
      error: {
        message: e.message,
        ...(range ? { range } : {}),
        format: e.format,
      },
    };
  }
  markMcModel(graph, config, absolutePath);
  const text = TEXT_FORMATS.has(graph.format) ? sourceText(source) : undefined;
  return {
    path: source.path,
    format: graph.format,
    graph,
    findings: lintGraph(graph, config, text),
    ...(text !== undefined ? { text } : {}),
  };
}
