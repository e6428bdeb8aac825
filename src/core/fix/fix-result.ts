// What Fix and Save As… hands back for any binary model file: the new file's bytes and what changed.
import type { Finding, Fix } from '../lint/rule';

export interface FixResult {
  bytes: Uint8Array;
  /**
   * The fixes applied, each with the finding it answers and what it changed (describeEdits), in the
   * order they were applied.
   */
  fixed: { finding: Finding; fix: Fix; change: string }[];
  /** What the fixed model still reports. */
  remaining: Finding[];
}

/** Rounds of lint → fix; each round can only remove problems, so a few are enough. */
export const MAX_FIX_ROUNDS = 4;
