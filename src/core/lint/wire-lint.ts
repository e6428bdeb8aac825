// Turns a LintResult (which holds IR objects) into plain data that crosses thread boundaries, with every
// range projected to line/column through the one LineMap of the file's text.
import { nameClaimsModel } from '../formats/model-file-name';
import { LineMap, type LineColumn } from '../formats/text-position';
import type { LintResult } from './lint-source';
import type { Fix, Severity } from './rule';
import type { SourceRange } from '../model/ir';

export interface WireRange {
  offset: number;
  length: number;
  start: LineColumn;
  end: LineColumn;
}

/** A finding as plain data: layers by name, ranges with line/column so no text is needed to place it. */
export interface WireFinding {
  rule: string;
  severity: Severity;
  message: string;
  layer: string;
  /** The layer's id in the IR (and the model view's rows); names need not be unique. */
  layerId: string;
  range?: WireRange;
  related: { layer: string; message: string; range?: WireRange }[];
  fixes: Fix[];
  unnecessary: boolean;
}

export interface WireLintResult {
  path: string;
  format?: string;
  findings: WireFinding[];
  /**
   * `format`: the reader that took the file as its own and failed on it, or 'unknown' when none took it;
   * absent when the file was not read at all (too large, gone).
   */
  error?: { message: string; range?: WireRange; format?: string };
}

/**
 * Ranges get line/column where the result has the file's text (text formats); ONNX ranges are dropped.
 * `lines` is that text's LineMap when the caller keeps one to place more offsets (the editor's fixes).
 */
export function toWireLintResult(
  result: LintResult,
  lines = result.text === undefined ? undefined : new LineMap(result.text),
): WireLintResult {
  const wire = (r: SourceRange | undefined): WireRange | undefined =>
    r &&
    lines && {
      offset: r.offset,
      length: r.length,
      start: lines.at(r.offset),
      end: lines.at(r.offset + r.length),
    };
  const errorRange = wire(result.error?.range);
  return {
    path: result.path,
    ...(result.format ? { format: result.format } : {}),
    findings: result.findings.map((f) => {
      const range = wire(f.range);
      return {
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        layer: f.layer.name,
        layerId: f.layer.id,
        ...(range ? { range } : {}),
        related: (f.related ?? []).map((r) => {
          const relatedRange = wire(r.layer.source.range);
          return {
            layer: r.layer.name,
            message: r.message,
            ...(relatedRange ? { range: relatedRange } : {}),
          };
        }),
        fixes: f.fixes ?? [],
        unnecessary: f.unnecessary === true,
      };
    }),
    ...(result.error
      ? {
          error: {
            message: result.error.message,
            ...(errorRange ? { range: errorRange } : {}),
            format: result.error.format,
          },
        }
      : {}),
  };
}

/**
 * A file that no reader took and whose name does not say it is a model (a `model.json` or an `.h5` of
 * other JSON or HDF5 data): not a model that failed, so nothing is said about it where files are picked
 * by name alone (the editor, Lint Workspace, folder walks).
 */
export function isOtherFile(result: WireLintResult): boolean {
  const name = result.path.slice(Math.max(result.path.lastIndexOf('/'), result.path.lastIndexOf('\\')) + 1);
  return result.error?.format === 'unknown' && !nameClaimsModel(name);
}
