// The data sets the chooser lists: the built-in ones and users' files, each with its features per sample
// (what a model's input width is matched with) and, for a CSV, its header's columns for the label picker.
// Only headers are read: a workspace may hold CSVs of gigabytes. All reads are asynchronous: the
// extension host's thread also serves the editor.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import * as vscode from 'vscode';
import { csvHeader } from '../../core/data/csv';
import { BUILTIN_CSV } from '../../core/data/load';
import { builtinCsvPath } from '../../core/data/node-data';
import { SYNTHETIC_NAMES, synthetic } from '../../core/data/synthetic';
import { readHead } from '../../core/io/node-files';
import type { DataChoice, DataChoiceKind } from '../../protocol/data-choice';

/** Enough of a CSV to hold its header row. */
const HEADER_BYTES = 64 * 1024;
/** Workspace files listed per kind. */
const MAX_FILES = 100;

type Facts = Pick<DataChoice, 'features' | 'columns'>;

/**
 * Users' data files by kind: the workspace search, the Browse… dialog's filter and what one file holds.
 * A new kind of data file is one entry here (and its loader in core/data).
 */
const FILE_KINDS: {
  kind: DataChoiceKind;
  extensions: string[];
  filter: string;
  facts(path: string): Promise<Facts>;
}[] = [
  { kind: 'csv', extensions: ['csv'], filter: 'CSV data (header row, label column)', facts: csvFacts },
  // Features per sample are the array's row shape: read when the job opens it.
  { kind: 'npy', extensions: ['npy', 'npz'], filter: 'NumPy arrays (.npy, .npz)', facts: async () => ({}) },
];

async function csvFacts(path: string): Promise<Facts> {
  const columns = csvHeader((await readHead(path, HEADER_BYTES)).toString('utf8'));
  return { columns, ...(columns.length > 1 ? { features: columns.length - 1 } : {}) };
}

/** The kinds of data file a panel takes. */
const fileKinds = (kinds: readonly DataChoiceKind[]) => FILE_KINDS.filter((k) => kinds.includes(k.kind));

/** The Browse… dialog's filters: every kind of data file among `kinds`. */
export const browseFilters = (kinds: readonly DataChoiceKind[]): Record<string, string[]> =>
  Object.fromEntries(fileKinds(kinds).map((k) => [k.filter, k.extensions]));

let builtins: Promise<DataChoice[]> | undefined;

/** The shipped CSVs and the synthetic 2-D sets (read once: they never change; a failed read is retried). */
export function builtinChoices(): Promise<DataChoice[]> {
  builtins ??= readBuiltinChoices().catch((e: unknown) => {
    builtins = undefined;
    throw e;
  });
  return builtins;
}

async function readBuiltinChoices(): Promise<DataChoice[]> {
  const label = (n: string) => n.replace('_', ' ');
  return [
    ...(await Promise.all(
      BUILTIN_CSV.map(async (n): Promise<DataChoice> => {
        const columns = csvHeader((await readHead(builtinCsvPath(n), HEADER_BYTES)).toString('utf8'));
        return {
          spec: `builtin:${n}`,
          label: `${label(n)} (built-in)`,
          kind: 'builtin',
          features: columns.length - 1,
        };
      }),
    )),
    ...SYNTHETIC_NAMES.map((n): DataChoice => ({
      spec: `builtin:${n}`,
      label: `${n} (synthetic 2-D)`,
      kind: 'synthetic',
      features: synthetic(n, { n: 1 }).shape.reduce((a, b) => a * b, 1),
    })),
  ];
}

/** A folder as a choice of images: its subfolders are the classes (none: unlabelled images). */
async function folderChoice(path: string): Promise<DataChoice> {
  // Unreadable now: the job names the problem when it opens the folder.
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  const classes = entries.filter((e) => e.isDirectory()).length;
  const relative = vscode.workspace.asRelativePath(path);
  const name = relative !== path ? relative : `${basename(path)} — ${dirname(path)}`;
  const what = classes > 0 ? `images, ${classes} classes` : 'images';
  return { spec: path, label: `${name}/ (${what})`, kind: 'images' };
}

/**
 * One user's file (or folder of images) as a choice, or undefined when it is none of `kinds` (or is gone).
 */
export async function fileChoice(
  path: string,
  log: vscode.LogOutputChannel,
  kinds: readonly DataChoiceKind[],
): Promise<DataChoice | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return kinds.includes('images') ? folderChoice(path) : undefined;
  const kind = fileKinds(kinds).find((k) => k.extensions.includes(extname(path).slice(1).toLowerCase()));
  if (!kind) return undefined;
  const facts = await kind.facts(path).catch((e: unknown): Facts => {
    log.warn(`Data: cannot read ${path}: ${(e as Error).message}`);
    return {};
  });
  // A file outside the workspace: its name first, the list is narrow.
  const relative = vscode.workspace.asRelativePath(path);
  const label = relative !== path ? relative : `${basename(path)} — ${dirname(path)}`;
  return { spec: path, label, kind: kind.kind, ...facts };
}

/** The data files of `kinds` in the workspace, in path order. */
export async function workspaceChoices(
  log: vscode.LogOutputChannel,
  kinds: readonly DataChoiceKind[],
): Promise<DataChoice[]> {
  const found = await Promise.all(
    fileKinds(kinds)
      .flatMap((k) => k.extensions)
      .map((e) => vscode.workspace.findFiles(`**/*.${e}`, '**/node_modules/**', MAX_FILES)),
  );
  const paths = found
    .flat()
    .map((u) => u.fsPath)
    .sort((a, b) => a.localeCompare(b));
  const choices = await Promise.all(paths.map((p) => fileChoice(p, log, kinds)));
  return choices.filter((c) => c !== undefined);
}
