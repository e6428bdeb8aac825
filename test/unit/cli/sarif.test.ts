// Structural checks of the SARIF log (what code-scanning services read); sarif-schema.test.ts validates
// the same output against the official schema.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { runLint } from '../../../src/cli/lint-command';
import { toSarif } from '../../../src/cli/sarif';
import { RULES } from '../../../src/core/lint/rules';

function lintToSarif(files: Record<string, string>): { log: Log; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'dropout-lens-sarif-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const out: string[] = [];
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const code = runLint(
      { paths: Object.keys(files), format: 'sarif' },
      { out: (t) => out.push(t), err: () => {} },
    );
    return { log: JSON.parse(out.join('\n')) as Log, code };
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

const MODEL = `{
  "format": "dropout-lens/nn", "version": 1, "input": { "shape": [64] },
  "layers": [
    { "type": "dense", "units": 128, "activation": "relu" },
    { "type": "dropout", "rate": 0.9 },
    { "type": "dense", "units": 10, "activation": "softmax" }
  ]
}`;

describe('SARIF output', () => {
  it('describes the tool and every rule with id, descriptions and help URI', () => {
    const { log } = lintToSarif({ 'a.nn.json': MODEL });
    assert.equal(log.version, '2.1.0');
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    const driver = log.runs[0]?.tool.driver;
    assert.equal(driver?.name, 'Dropout Lens');
    assert.equal(typeof driver?.version, 'string');
    assert.match(driver?.informationUri ?? '', /^https:\/\//);
    assert.deepEqual(
      driver?.rules?.map((r) => r.id),
      RULES.map((r) => r.meta.id),
    );
    for (const r of driver?.rules ?? []) {
      assert.ok(r.shortDescription?.text && r.help?.text);
      assert.match(r.helpUri ?? '', new RegExp(`docs/rules/${r.id}\\.md$`));
    }
  });

  it('reports a text finding with level, message and a 1-based region on the value', () => {
    const { log, code } = lintToSarif({ 'a.nn.json': MODEL });
    assert.equal(code, 1);
    const run = log.runs[0]!;
    assert.deepEqual(run.invocations, [{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    const result = run.results?.find((r) => r.ruleId === 'keep-prob-confusion');
    assert.ok(result);
    assert.equal(result.level, 'warning');
    assert.equal(run.tool.driver.rules?.[result.ruleIndex!]?.id, 'keep-prob-confusion');
    assert.match(result.message.text ?? '', /keep probability/);
    const physical = result.locations?.[0]?.physicalLocation;
    assert.deepEqual(physical?.artifactLocation, { uri: 'a.nn.json', uriBaseId: '%SRCROOT%' });
    // Line 5 is `    { "type": "dropout", "rate": 0.9 },`; 0.9 starts at column 34.
    assert.deepEqual(physical?.region, { startLine: 5, startColumn: 34, endLine: 5, endColumn: 37 });
    assert.match(run.originalUriBaseIds?.['%SRCROOT%']?.uri ?? '', /^file:\/\/.*\/$/);
  });

  it('reports unreadable files as tool execution notifications', () => {
    const { log, code } = lintToSarif({ 'a.nn.json': MODEL, 'b.nn.json': '{ "format": ' });
    assert.equal(code, 2);
    const invocation = log.runs[0]?.invocations?.[0];
    assert.equal(invocation?.executionSuccessful, false);
    const [n] = invocation?.toolExecutionNotifications ?? [];
    assert.equal(n?.level, 'error');
    assert.match(n?.message.text ?? '', /b\.nn\.json:\d+:\d+: invalid JSON/);
    assert.equal(n?.locations?.[0]?.physicalLocation?.artifactLocation?.uri, 'b.nn.json');
  });

  it('gives ONNX findings a logical location (the layer) and maps info / hint to note', () => {
    const log = toSarif(
      [
        {
          file: '/models/m.onnx',
          format: 'onnx',
          findings: [{ rule: 'inference-noop-dropout', severity: 'hint', message: 'm', layer: 'Dropout_3' }],
        },
      ],
      '1.0.0',
      '/models',
    );
    const [result] = log.runs[0]?.results ?? [];
    assert.equal(result?.level, 'note');
    assert.deepEqual(result?.locations?.[0], {
      physicalLocation: { artifactLocation: { uri: 'm.onnx', uriBaseId: '%SRCROOT%' } },
      logicalLocations: [{ name: 'Dropout_3', kind: 'object' }],
    });
  });
});
