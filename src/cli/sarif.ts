// SARIF 2.1.0 output for `dropout-lens lint --format sarif`, for code-scanning tools. Built from the same
// per-file reports as the JSON output: text formats get 1-based regions, ONNX findings a logical location
// (the layer), unreadable files a tool execution notification.
import { pathToFileURL } from 'node:url';
import { relative, sep } from 'node:path';
import type { Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { Severity } from '../core/lint/rule';
import { ruleDocsUrl } from '../core/lint/rule-docs';
import { RULES } from '../core/lint/rules';
import type { JsonFileReport } from './lint-report';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://example.invalid/dropout-lens';
const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Severity, Result.level> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/** `root` is the folder file paths are made relative to (the working directory). */
export function toSarif(reports: JsonFileReport[], version: string, root: string): Log {
  const rules: ReportingDescriptor[] = RULES.map(({ meta }) => ({
    id: meta.id,
    shortDescription: { text: meta.docs },
    help: { text: `${meta.docs} See ${ruleDocsUrl(meta.id)}` },
    helpUri: ruleDocsUrl(meta.id),
    defaultConfiguration: { level: LEVEL[meta.severity] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const uri = (file: string) => relative(root, file).split(sep).join('/');
  const results: Result[] = [];
  const notifications: Notification[] = [];
  for (const report of reports) {
    const artifactLocation = { uri: uri(report.file), uriBaseId: SRCROOT };
    if (report.error) {
      notifications.push({
        level: 'error',
        message: { text: report.error },
        locations: [{ physicalLocation: { artifactLocation } }],
      });
    }
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
      results.push({
        ruleId: f.rule,
        ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
        level: LEVEL[f.severity as Severity],
        message: { text: f.message },
        locations: [location],
      });
    }
  }
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: { driver: { name: 'Dropout Lens', version, informationUri: INFORMATION_URI, rules } },
        // How regions were counted (text-position.ts): stated, since SARIF's defaults differ from them.
        columnKind: 'utf16CodeUnits',
        newlineSequences: ['\r\n', '\n', '\r'],
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(root + sep).href } },
        invocations: [
          { executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications },
        ],
        results,
      },
    ],
  };
}
