// Marking models for MC inference from `.dropoutlens.json` in the CLI (`lint`, `inspect`) and the model
// view's header: the nearest config's mcModels globs, relative to its folder.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InspectReport } from '../../../src/cli/inspect-command';
import type { JsonFileReport } from '../../../src/cli/lint-report';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { parseLintConfig } from '../../../src/core/lint/config';
import { RULE_IDS } from '../../../src/core/lint/engine';
import { lintSource } from '../../../src/core/lint/lint-source';
import { toWireModel } from '../../../src/worker/wire-model';
import { run } from './run-cli';

const ACTIVE = 'test/fixtures/onnx-torch/rules/active_opset13.onnx';

describe('mcModels in the CLI and the model view', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mc-models-'));
    mkdirSync(join(dir, 'models', 'bayes'), { recursive: true });
    copyFileSync(ACTIVE, join(dir, 'models', 'bayes', 'net-mc.onnx'));
    copyFileSync(ACTIVE, join(dir, 'models', 'net.onnx'));
    writeFileSync(join(dir, '.dropoutlens.json'), JSON.stringify({ mcModels: ['models/**/*-mc.onnx'] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lint: a file the nearest .dropoutlens.json lists is an MC model (info); the other stays an error', async () => {
    const { code, out } = await run('lint', join(dir, 'models'), '--format', 'json');
    assert.equal(code, 1);
    const reports = JSON.parse(out) as JsonFileReport[];
    const severity = (name: string) =>
      reports
        .find((r) => r.file.endsWith(name))
        ?.findings.filter((f) => f.rule === 'dropout-active-at-inference')
        .map((f) => f.severity);
    assert.deepEqual(severity('net-mc.onnx'), ['info']);
    assert.deepEqual(severity('net.onnx'), ['error']);
  });

  it('lint: a relative path is matched from the config folder too', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { code, out } = await run('lint', 'models/bayes/net-mc.onnx', '--format', 'json');
      // Its intended randomness is info: CI passes on the marked model.
      assert.equal(code, 0);
      const [report] = JSON.parse(out) as JsonFileReport[];
      assert.deepEqual(
        report?.findings.filter((f) => f.rule === 'dropout-active-at-inference').map((f) => f.severity),
        ['info'],
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('lint: a bad glob fails the file (exit 2) with a message naming the glob and why', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'mc-models-bad-'));
    try {
      copyFileSync(ACTIVE, join(bad, 'net.onnx'));
      writeFileSync(join(bad, '.dropoutlens.json'), JSON.stringify({ mcModels: ['{a,b.onnx'] }));
      // The file is reported unreadable with the config's problem; other files would still be linted.
      const { code, out } = await run('lint', join(bad, 'net.onnx'));
      assert.equal(code, 2);
      assert.match(out, /mcModels\[0\] "\{a,b\.onnx": a "\{" has no closing "\}"/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('lint: a reversed glob range is a config problem (exit 2), with --config or found, never a crash or a parent config', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'mc-models-range-'));
    try {
      mkdirSync(join(bad, 'sub'));
      copyFileSync(ACTIVE, join(bad, 'sub', 'net.onnx'));
      // The parent's config would mark the file; the nearer broken one must not be skipped for it.
      writeFileSync(join(bad, '.dropoutlens.json'), JSON.stringify({ mcModels: ['**/*.onnx'] }));
      writeFileSync(join(bad, 'sub', '.dropoutlens.json'), JSON.stringify({ mcModels: ['[z-a].onnx'] }));
      const expected = /mcModels\[0\] "\[z-a\]\.onnx": "\[z-a\]" at character 1: a range must run/;
      const found = await run('lint', join(bad, 'sub', 'net.onnx'));
      assert.equal(found.code, 2);
      assert.match(found.out, expected);
      const named = await run(
        'lint',
        join(bad, 'sub', 'net.onnx'),
        '--config',
        join(bad, 'sub', '.dropoutlens.json'),
      );
      assert.equal(named.code, 2);
      assert.match(named.out + named.err, expected);
      assert.doesNotMatch(named.out + named.err, /SyntaxError|\n\s+at /);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('inspect: says the model is marked and by what', async () => {
    const file = join(dir, 'models', 'bayes', 'net-mc.onnx');
    const json = JSON.parse((await run('inspect', file, '--format', 'json')).out) as InspectReport;
    assert.equal(json.mcModel, '.dropoutlens.json mcModels "models/**/*-mc.onnx"');
    const { out } = await run('inspect', file);
    assert.match(out, /^MC model: marked by \.dropoutlens\.json mcModels "models\/\*\*\/\*-mc\.onnx"$/m);
    const plain = JSON.parse((await run('inspect', join(dir, 'models', 'net.onnx'), '--format', 'json')).out);
    assert.equal((plain as InspectReport).mcModel, undefined);
  });

  it('model view header: an "MC model" fact naming the mark', () => {
    const path = join(dir, 'models', 'bayes', 'net-mc.onnx');
    const { config } = parseLintConfig({ mcModels: ['models/**/*-mc.onnx'] }, RULE_IDS, dir);
    const source = nodeModelSource(path);
    const result = lintSource(source, config);
    assert.ok(result.graph);
    const model = toWireModel(result.graph, result.findings, {
      name: 'net-mc.onnx',
      size: source.bytes.length,
    });
    assert.deepEqual(
      model.meta.filter(([k]) => k === 'MC model'),
      [['MC model', 'marked by .dropoutlens.json mcModels "models/**/*-mc.onnx"']],
    );
    assert.equal(
      model.meta.some(([k]) => k === 'mcModel'),
      false,
    );
  });
});
