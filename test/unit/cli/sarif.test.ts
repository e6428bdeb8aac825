// Structural checks of the SARIF log (what code-scanning services read); sarif-schema.test.ts validates
// the same output against the official schema.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Log } from 'sarif';
import { runLint } from '../../../src/cli/lint-command';
import { toSarif } from '../../../src/cli/sarif';
import { RULES } from '../../../src/core/lint/rules';
import { run } from './run-cli';

async function lintToSarif(
  files: Record<string, string>,
  category?: string,
): Promise<{ log: Log; code: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'dropout-lens-sarif-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const out: string[] = [];
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const code = await runLint(
      { paths: Object.keys(files), format: 'sarif', ...(category ? { category } : {}) },
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
  it('describes the tool and every rule with id, descriptions and help URI', async () => {
    const { log } = await lintToSarif({ 'a.nn.json': MODEL });
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

  it('reports a text finding with level, message and a 1-based region on the value', async () => {
    const { log, code } = await lintToSarif({ 'a.nn.json': MODEL });
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

  it('reports unreadable files as tool execution notifications', async () => {
    const { log, code } = await lintToSarif({ 'a.nn.json': MODEL, 'b.nn.json': '{ "format": ' });
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

  it('names the run category for code scanning: dropout-lens by default, or --category', async () => {
    assert.equal(
      (await lintToSarif({ 'a.nn.json': MODEL })).log.runs[0]?.automationDetails?.id,
      'dropout-lens/',
    );
    const { log } = await lintToSarif({ 'a.nn.json': MODEL }, 'models/vision');
    assert.equal(log.runs[0]?.automationDetails?.id, 'models/vision/');
  });

  it('refuses --category without --format sarif, or empty', async () => {
    for (const args of [
      ['--category', 'models'],
      ['--format', 'sarif', '--category', ''],
    ]) {
      const { code, err } = await run('lint', 'samples', ...args);
      assert.equal(code, 2);
      assert.match(err, /--category names the SARIF run category/);
    }
  });

  it('fingerprints a finding by rule and layer: the same when its line moves, apart for other layers', async () => {
    const hashes = (log: Log) =>
      (log.runs[0]?.results ?? []).map((r) => [r.ruleId, r.partialFingerprints?.primaryLocationLineHash]);
    const before = await lintToSarif({ 'a.nn.json': MODEL });
    const moved = await lintToSarif({
      'a.nn.json': MODEL.replace('"input"', '\n\n  "name": "moved",\n  "input"'),
    });
    const line = (log: Log) => log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.region?.startLine;
    assert.equal(line(moved.log), (line(before.log) ?? 0) + 3, 'the finding did move');
    assert.deepEqual(hashes(moved.log), hashes(before.log));
    for (const [, hash] of hashes(before.log)) assert.match(hash ?? '', /^[0-9a-f]{16}:1$/);
    const two = MODEL.replace(
      '"rate": 0.9 },',
      '"rate": 0.9 },\n    { "type": "dense", "units": 64 },\n    { "type": "dropout", "rate": 0.85 },',
    );
    const keepProb = hashes((await lintToSarif({ 'a.nn.json': two })).log).filter(
      ([id]) => id === 'keep-prob-confusion',
    );
    assert.equal(keepProb.length, 2);
    assert.notEqual(keepProb[0]?.[1], keepProb[1]?.[1]);
    // The same rule twice on one layer: counted, as the upload action counts equal line hashes.
    const finding = { rule: 'inference-noop-dropout', severity: 'hint', message: 'm', layer: 'Dropout_3' };
    const twice = toSarif([{ file: '/m/a.onnx', format: 'onnx', findings: [finding, finding] }], '1', '/m');
    const [first, second] = (twice.runs[0]?.results ?? []).map(
      (r) => r.partialFingerprints?.primaryLocationLineHash,
    );
    assert.equal(second, first?.replace(/:1$/, ':2'));
  });

  it('writes file locations as relative URI references, and files outside the folder as file URIs', async () => {
    const { log } = await lintToSarif({ 'my models/a #1.nn.json': MODEL });
    assert.deepEqual(log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation, {
      uri: 'my%20models/a%20%231.nn.json',
      uriBaseId: '%SRCROOT%',
    });
    const finding = { rule: 'inference-noop-dropout', severity: 'hint', message: 'm', layer: 'Dropout_3' };
    const outside = toSarif(
      [{ file: '/elsewhere/m.onnx', format: 'onnx', findings: [finding] }],
      '1',
      '/models',
    );
    assert.deepEqual(outside.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation, {
      uri: 'file:///elsewhere/m.onnx',
    });
  });

  it('keeps the most severe results when there are more than code scanning takes, and says so', () => {
    const finding = (severity: string, layer: string) => ({
      rule: 'rate-zero',
      severity,
      message: layer,
      layer,
    });
    const log = toSarif(
      [
        {
          file: '/m/a.nn.json',
          format: 'nn',
          findings: [
            finding('hint', 'h'),
            finding('error', 'e'),
            finding('info', 'i'),
            finding('warning', 'w'),
          ],
        },
      ],
      '1',
      '/m',
      { maxResults: 2 },
    );
    const run = log.runs[0]!;
    assert.deepEqual(
      run.results?.map((r) => r.message.text),
      ['e', 'w'],
    );
    const [notification] = run.invocations?.[0]?.toolExecutionNotifications ?? [];
    assert.equal(notification?.level, 'warning');
    assert.match(
      notification?.message.text ?? '',
      /^2 of 4 results left out, the least severe: .* 25,000 results/,
    );
    assert.equal(run.invocations?.[0]?.executionSuccessful, true);
  });
});
