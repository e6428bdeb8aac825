// The `.dropoutlens.json` the CLI uses: the one named by --config, else the nearest one above each file.
// Its problems are usage errors: a typo never silently switches a rule off or leaves a model unmarked.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseLintConfig, type LintConfig } from '../core/lint/config';
import { RULE_IDS } from '../core/lint/engine';
import { UsageError } from './io';

/** Reads a `.dropoutlens.json`; its `mcModels` globs are relative to its folder. */
export function loadConfig(path: string): LintConfig {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${path}: ${(e as Error).message}`);
  }
  const { config, problems } = parseLintConfig(value, RULE_IDS, dirname(resolve(path)));
  if (problems.length > 0) throw new UsageError(`--config ${path}: ${problems.join('; ')}`);
  return config;
}

/** The `.dropoutlens.json` in the file's folder or the closest folder above it, if any. */
export function nearestConfig(file: string): LintConfig | undefined {
  return nearestConfigs()(file);
}

/**
 * nearestConfig for the files of one run: each folder is looked up once and its answer kept, and files
 * under the same `.dropoutlens.json` get the same object. A broken one throws for each of its files.
 */
export function nearestConfigs(): (file: string) => LintConfig | undefined {
  const byFolder = new Map<string, { config?: LintConfig } | { error: unknown }>();
  const lookup = (dir: string): { config?: LintConfig } | { error: unknown } => {
    let found = byFolder.get(dir);
    if (found) return found;
    const candidate = join(dir, '.dropoutlens.json');
    // Only a missing file moves on to the parent folder; a broken one is reported, not skipped.
    if (existsSync(candidate)) {
      try {
        found = { config: loadConfig(candidate) };
      } catch (error) {
        found = { error };
      }
    } else found = dirname(dir) === dir ? {} : lookup(dirname(dir));
    byFolder.set(dir, found);
    return found;
  };
  return (file) => {
    const found = lookup(dirname(resolve(file)));
    if ('error' in found) throw found.error;
    return found.config;
  };
}
