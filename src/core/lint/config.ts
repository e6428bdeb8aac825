// Lint configuration: severity per rule id, from VS Code settings or a workspace `.dropoutlens.json`.
import type { SeveritySetting } from './rule';

export interface LintConfig {
  rules: Record<string, SeveritySetting>;
}

const SETTINGS: ReadonlySet<string> = new Set(['off', 'hint', 'info', 'warning', 'error']);

/**
 * Reads a `.dropoutlens.json` object. Unknown severities are reported, not guessed, so a typo never
 * silently switches a rule off.
 */
export function parseLintConfig(
  value: unknown,
  knownRules: ReadonlySet<string>,
): { config: LintConfig; problems: string[] } {
  const problems: string[] = [];
  const rules: Record<string, SeveritySetting> = {};
  const raw = typeof value === 'object' && value !== null ? (value as { rules?: unknown }).rules : undefined;
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    problems.push('"rules" must be an object mapping rule ids to off | hint | info | warning | error');
  } else if (raw) {
    for (const [id, setting] of Object.entries(raw as Record<string, unknown>)) {
      if (!knownRules.has(id)) problems.push(`unknown rule id "${id}"`);
      else if (typeof setting !== 'string' || !SETTINGS.has(setting))
        problems.push(`rule "${id}": severity must be off, hint, info, warning or error`);
      else rules[id] = setting as SeveritySetting;
    }
  }
  return { config: { rules }, problems };
}

/** Settings later in the list win. */
export function mergeLintConfigs(...configs: LintConfig[]): LintConfig {
  return { rules: Object.assign({}, ...configs.map((c) => c.rules)) };
}
