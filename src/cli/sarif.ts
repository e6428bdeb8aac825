// SARIF 2.1.0 output for `dropout-lens lint --format sarif`, for code-scanning tools. Built from the same
// per-file reports as the JSON output: text formats get 1-based regions, ONNX findings a logical location
// (the layer), unreadable files a tool execution notification. Shaped for GitHub code scanning ("SARIF
// support for code scanning", docs.github.com): relative URIs under %SRCROOT%, a run category, our own
// fingerprints and its limit on results per run.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { isAbsolute, relative, sep } from 'node:path';
import type { ArtifactLocation, Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { Severity } from '../core/lint/rule';
import { ruleDocsUrl } from '../core/lint/rule-docs';
import { RULES } from '../core/lint/rules';
import type { JsonFileReport } from './lint-report';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://example.invalid/dropout-lens';
const SRCROOT = '%SRCROOT%';
export const DEFAULT_SARIF_CATEGORY = 'dropout-lens';
/** GitHub rejects a run with more results than this (and shows the 5,000 most severe). */
export const MAX_SARIF_RESULTS = 25_000;

const LEVEL: Record<Severity, Result.level> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};
const LEVEL_RANK: Partial<Record<Result.level, number>> = { error: 0, warning: 1, note: 2 };

export interface SarifOptions {
  /** The code-scanning category: runs of one category replace each other's alerts, others stay apart. */
  category?: string;
  /** Results kept at most, the most severe first (GitHub's limit unless a test lowers it). */
  maxResults?: number;
}

/** `root` is the folder file paths are made relative to (the working directory). */
export function toSarif(
  reports: JsonFileReport[],
  version: string,
  root: string,
  options: SarifOptions = {},
): Log {
  const rules: ReportingDescriptor[] = RULES.map(({ meta }) => ({
    id: meta.id,
    shortDescription: { text: meta.docs },
    // GitHub requires a full description; the one sentence is all the rule's metadata holds.
    fullDescription: { text: meta.docs },
    help: { text: `${meta.docs} See ${ruleDocsUrl(meta.id)}` },
    helpUri: ruleDocsUrl(meta.id),
    defaultConfiguration: { level: LEVEL[meta.severity] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  let results: Result[] = [];
  const notifications: Notification[] = [];
  for (const report of reports) {
    const artifactLocation = artifactLocationOf(report.file, root);
    if (report.error) {
      notifications.push({
        level: 'error',
        message: { text: report.error },
        locations: [{ physicalLocation: { artifactLocation } }],
      });
    }
    const seen = new Map<string, number>();
    for (const f of report.findings) {
      const location: Location = f.range
        ? {
            physicalLocation: {
              artifactLocation,
              region: {
                startLine: f.range.start.line,
                startColumn: f.range.start.column,
                endLine: f.range.end.line,
                endColumn: f.range.end.column,
              },
            },
          }
        : { physicalLocation: { artifactLocation }, logicalLocations: [{ name: f.layer, kind: 'object' }] };
      const identity = `${f.rule}\0${f.layer}`;
      const occurrence = (seen.get(identity) ?? 0) + 1;
      seen.set(identity, occurrence);
      results.push({
        ruleId: f.rule,
        ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
        level: LEVEL[f.severity as Severity],
        message: { text: f.message },
        locations: [location],
        partialFingerprints: { primaryLocationLineHash: fingerprint(identity, occurrence) },
      });
    }
  }
  const maxResults = options.maxResults ?? MAX_SARIF_RESULTS;
  if (results.length > maxResults) {
    const all = results.length;
    results = mostSevere(results, maxResults);
    notifications.push({
      level: 'warning',
      message: {
        text:
          `${all - maxResults} of ${all} results left out, the least severe: code scanning refuses more than ` +
          `${MAX_SARIF_RESULTS.toLocaleString('en')} results a run. --format json lists them all.`,
      },
    });
  }
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: { driver: { name: 'Dropout Lens', version, informationUri: INFORMATION_URI, rules } },
        // "category/": the category without a run id (GitHub reads the id up to its last slash).
        automationDetails: { id: `${options.category ?? DEFAULT_SARIF_CATEGORY}/` },
        // How regions were counted (text-position.ts): stated, since SARIF's defaults differ from them.
        columnKind: 'utf16CodeUnits',
        newlineSequences: ['\r\n', '\n', '\r'],
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(root + sep).href } },
        invocations: [
          {
            executionSuccessful: !reports.some((r) => r.error),
            toolExecutionNotifications: notifications,
          },
        ],
        results,
      },
    ],
  };
}

/**
 * A file under `root` as a relative URI reference under %SRCROOT% (code scanning matches it against the
 * repository's files); one outside it as an absolute file URI, since a "../" path names no file there.
 */
function artifactLocationOf(file: string, root: string): ArtifactLocation {
  const path = relative(root, file);
  if (path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path))
    return { uri: pathToFileURL(file).href };
  return { uri: path.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

/**
 * Code scanning identifies an alert by repository, file, rule and `primaryLocationLineHash`, and uses no
 * other fingerprint. The upload action would fill it with a hash of the source line, and skips results
 * without a line (ONNX findings); the layer is what a finding is about, so it is hashed instead, and an
 * alert survives edits that move its line. Same form as the action's: 16 hex digits, then `:occurrence`.
 */
function fingerprint(identity: string, occurrence: number): string {
  return `${createHash('sha256').update(identity).digest('hex').slice(0, 16)}:${occurrence}`;
}

/** The `max` most severe results, in their order (the files' order). */
function mostSevere(results: Result[], max: number): Result[] {
  const rank = (r: Result) => LEVEL_RANK[r.level ?? 'warning'] ?? 3;
  const kept = new Set(
    results
      .map((r, i) => ({ rank: rank(r), i }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .slice(0, max)
      .map(({ i }) => i),
  );
  return results.filter((_, i) => kept.has(i));
}
