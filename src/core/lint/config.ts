// Lint configuration: severity per rule id, from VS Code settings or a workspace `.dropoutlens.json`, and
// the files `.dropoutlens.json` marks as MC models (`mcModels`, globs relative to its folder).
import type { Graph } from '../model/ir';
import { compileGlob, relativePath } from './glob';
import type { SeveritySetting } from './rule';

/** A glob of `mcModels` and the folder of the `.dropoutlens.json` that lists it. */
export interface McModelGlob {
  folder: string;
  glob: string;
}

export interface LintConfig {
  rules: Record<string, SeveritySetting>;
  mcModels?: McModelGlob[];
}

const SETTINGS: ReadonlySet<string> = new Set(['off', 'hint', 'info', 'warning', 'error']);

/**
 * Reads a `.dropoutlens.json` object; `folder` is where that file lives (the settings have none, and no
 * `mcModels`). Unknown severities and bad globs are reported, not guessed, so a typo never silently
 * switches a rule off or leaves a model unmarked.
 */
export function parseLintConfig(
  value: unknown,
  knownRules: ReadonlySet<string>,
  folder?: string,
): { config: LintConfig; problems: string[] } {
  const problems: string[] = [];
  const rules: Record<string, SeveritySetting> = {};
  const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const raw = object.rules;
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
  const mcModels = parseMcModels(object.mcModels, folder, problems);
  return { config: { rules, ...(mcModels ? { mcModels } : {}) }, problems };
}

function parseMcModels(
  raw: unknown,
  folder: string | undefined,
  problems: string[],
): McModelGlob[] | undefined {
  if (raw === undefined) return undefined;
  if (folder === undefined) {
    problems.push('"mcModels" is read from a .dropoutlens.json only (its globs are relative to its folder)');
    return undefined;
  }
  if (!Array.isArray(raw)) {
    problems.push('"mcModels" must be a list of file globs, e.g. ["models/**/*-mc.onnx"]');
    return undefined;
  }
  const globs: McModelGlob[] = [];
  raw.forEach((glob: unknown, i) => {
    const compiled = typeof glob === 'string' ? compileGlob(glob) : 'it must be a string';
    if (typeof compiled === 'string') problems.push(`mcModels[${i}] ${JSON.stringify(glob)}: ${compiled}`);
    else globs.push({ folder, glob: glob as string });
  });
  return globs;
}

/**
 * Marks the graph of the file at `path` (absolute) as an MC model when an `mcModels` glob lists it and the
 * file does not mark itself; `Graph.meta.mcModel` then names the glob.
 */
export function markMcModel(graph: Graph, config: LintConfig | undefined, path: string): void {
  if (graph.meta.mcModel !== undefined) return;
  const listed = config?.mcModels?.find(({ folder, glob }) => {
    const relative = relativePath(folder, path);
    const pattern = compileGlob(glob);
    return relative !== undefined && typeof pattern !== 'string' && pattern.test(relative);
  });
  if (listed) graph.meta.mcModel = `.dropoutlens.json mcModels "${listed.glob}"`;
}

/** Settings later in the list win; every list's MC model globs count. */
export function mergeLintConfigs(...configs: LintConfig[]): LintConfig {
  const mcModels = configs.flatMap((c) => c.mcModels ?? []);
  return {
    rules: Object.assign({}, ...configs.map((c) => c.rules)),
    ...(mcModels.length > 0 ? { mcModels } : {}),
  };
}
