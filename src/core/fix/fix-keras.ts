// "Fix and Save As…" for Keras 3 `.keras` files. Their config.json is the Keras config a TensorFlow.js
// layers model.json holds, so it is read in place as that model.json's `model_config`: the tfjs reader's
// ranges then point into config.json (shifted by the wrapper's length), and each finding's safe fix is the
// text edit a model.json gets as a quick fix (a rate or another config value). The edits go in round by
// round, then the zip is written anew with only config.json changed, and the new file is linted through
// the Keras reader for what remains.
import { applyEdits, type Edit } from 'jsonc-parser';
import { readKerasConfigText } from '../formats/keras/archive';
import { replaceKerasConfig } from '../formats/keras/fix';
import { ModelFormatError, type ModelSource } from '../formats/reader';
import { readTfjsLayers } from '../formats/tfjs/layers-reader';
import { markMcModel, type LintConfig } from '../lint/config';
import { lintGraph } from '../lint/engine';
import { lintSource } from '../lint/lint-source';
import type { Graph } from '../model/ir';
import type { Finding, Fix } from '../lint/rule';
import { describeEdits } from './describe-fix';
import { MAX_FIX_ROUNDS, type FixResult } from './fix-result';

/** config.json's text sits in this model.json from offset PREFIX.length on. */
const PREFIX = '{"format":"layers-model","modelTopology":{"model_config":';
const SUFFIX = '}}';

export function fixKeras(source: ModelSource, config?: LintConfig): FixResult {
  let text = readKerasConfigText(source.bytes, source.path).config;
  const fixed: FixResult['fixed'] = [];
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const { graph, wrapped } = configInPlace(text, source.path);
    // A config only the Keras reader's translation reads offers no text to edit: nothing is fixed.
    if (!graph) break;
    markMcModel(graph, config, source.path);
    const chosen = disjoint(lintGraph(graph, config, wrapped), text.length);
    if (chosen.length === 0) break;
    const edits = chosen.flatMap(({ fix }) =>
      fix.edits.map((e): Edit => ({
        offset: e.offset - PREFIX.length,
        length: e.length,
        content: e.newText,
      })),
    );
    text = applyEdits(text, edits);
    fixed.push(...chosen.map((c) => ({ ...c, change: describeEdits(graph, c.fix.graphEdits ?? []) })));
  }
  const bytes = fixed.length === 0 ? source.bytes : replaceKerasConfig(source.bytes, text, source.path);
  const result = lintSource({ path: source.path, bytes }, config);
  if (result.error || !result.graph)
    throw new Error(result.error?.message ?? `${source.path}: not a model file`);
  return { bytes, fixed, remaining: result.findings };
}

/**
 * config.json's text read by the TensorFlow.js layers reader as a model.json's `model_config`, so its
 * ranges are config.json's offsets plus PREFIX.length; no graph when that reader cannot read the config
 * as it stands (the Keras reader translates the dialect first).
 */
export function configInPlace(text: string, path: string): { graph?: Graph; wrapped: string } {
  const wrapped = PREFIX + text + SUFFIX;
  try {
    return { graph: readTfjsLayers(wrapped, path), wrapped };
  } catch (e) {
    if (e instanceof ModelFormatError) return { wrapped };
    throw e;
  }
}

/**
 * Each finding's safe fix with text edits inside config.json, leaving out those whose edits overlap an
 * earlier one's (the next round lints again and offers what is still wrong).
 */
function disjoint(findings: Finding[], length: number): { finding: Finding; fix: Fix }[] {
  const taken: { start: number; end: number }[] = [];
  const inside = (start: number, end: number) => start >= PREFIX.length && end <= PREFIX.length + length;
  const chosen: { finding: Finding; fix: Fix }[] = [];
  for (const finding of findings) {
    const fix = finding.fixes?.find((f) => f.safe && f.edits.length > 0);
    const spans = fix?.edits.map((e) => ({ start: e.offset, end: e.offset + e.length })) ?? [];
    if (!fix || !spans.every((s) => inside(s.start, s.end))) continue;
    if (spans.some((s) => taken.some((t) => s.start < t.end && t.start < s.end))) continue;
    taken.push(...spans);
    chosen.push({ finding, fix });
  }
  return chosen;
}
