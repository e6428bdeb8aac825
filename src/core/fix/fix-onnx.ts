// "Fix and Save As…" for ONNX: lint, apply every finding's safe fix that ONNX can express, and lint again
// (removing a Dropout only becomes the fix once its training flag is off), then hand back new bytes.
import { fixOnnxBytes } from '../formats/onnx/fix';
import { describeEdits } from './describe-fix';
import type { ModelSource } from '../formats/reader';
import type { LintConfig } from '../lint/config';
import { lintSource } from '../lint/lint-source';
import type { Finding, Fix } from '../lint/rule';
import { MAX_FIX_ROUNDS, type FixResult } from './fix-result';

export function fixOnnx(source: ModelSource, config?: LintConfig): FixResult {
  let bytes = source.bytes;
  const fixed: FixResult['fixed'] = [];
  for (let round = 0; ; round++) {
    const result = lintSource({ path: source.path, bytes }, config);
    const { graph } = result;
    if (result.error || !graph) throw new Error(result.error?.message ?? `${source.path}: not a model file`);
    const chosen = result.findings
      .map((finding) => ({ finding, fix: finding.fixes?.find((f) => f.safe && f.graphEdits?.length) }))
      .filter((c): c is { finding: Finding; fix: Fix } => c.fix !== undefined);
    if (chosen.length === 0 || round === MAX_FIX_ROUNDS) return { bytes, fixed, remaining: result.findings };
    const editsOf = (cs: typeof chosen) => cs.flatMap((c) => c.fix.graphEdits ?? []);
    let out = fixOnnxBytes(bytes, source.path, editsOf(chosen));
    const applied = chosen.filter((c) => (c.fix.graphEdits ?? []).every((e) => out.applied.includes(e)));
    if (applied.length === 0) return { bytes, fixed, remaining: result.findings };
    // A fix is all or nothing: without the ones ONNX could take only in part, apply again.
    if (applied.length < chosen.length) out = fixOnnxBytes(bytes, source.path, editsOf(applied));
    fixed.push(...applied.map((c) => ({ ...c, change: describeEdits(graph, c.fix.graphEdits ?? []) })));
    bytes = out.bytes;
  }
}
