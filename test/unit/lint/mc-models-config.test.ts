// `.dropoutlens.json` "mcModels": globs relative to its folder mark files as MC models, for lint in the
// CLI, the worker and the editor alike. Glob semantics are those of minimatch / VS Code's file globs.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { markMcModel, mergeLintConfigs, parseLintConfig } from '../../../src/core/lint/config';
import { RULE_IDS } from '../../../src/core/lint/engine';
import { compileGlob } from '../../../src/core/lint/glob';
import { lintSource } from '../../../src/core/lint/lint-source';
import type { Graph } from '../../../src/core/model/ir';

const ONNX = 'test/fixtures/onnx-torch/rules/active_opset13.onnx';

/** [glob, path relative to the config's folder, matches] (what minimatch 10 answers for each). */
const CASES: [string, string, boolean][] = [
  ['models/**/*-mc.onnx', 'models/net-mc.onnx', true],
  ['models/**/*-mc.onnx', 'models/a/b/net-mc.onnx', true],
  ['models/**/*-mc.onnx', 'models/net.onnx', false],
  ['models/**/*-mc.onnx', 'other/models/net-mc.onnx', false],
  ['*.onnx', 'net.onnx', true],
  ['*.onnx', 'sub/net.onnx', false],
  ['**/*.onnx', 'net.onnx', true],
  ['**/*.onnx', 'a/b/net.onnx', true],
  ['models/**', 'models/a/b/model.json', true],
  ['mc/*/model.json', 'mc/bayes/model.json', true],
  ['mc/*/model.json', 'mc/model.json', false],
  ['{mc,bayes}/*.onnx', 'bayes/net.onnx', true],
  ['{mc,bayes}/*.onnx', 'other/net.onnx', false],
  ['net?.onnx', 'net1.onnx', true],
  ['net?.onnx', 'net12.onnx', false],
  ['net[12].onnx', 'net2.onnx', true],
  ['net[!12].onnx', 'net2.onnx', false],
  ['net[!12].onnx', 'net3.onnx', true],
  ['a[!x]b.onnx', 'a/b.onnx', false],
  ['net[]].onnx', 'net].onnx', true],
  ['net[a-c].onnx', 'netb.onnx', true],
  ['net.onnx', 'netXonnx', false],
  ['a+b(1).onnx', 'a+b(1).onnx', true],
];

const graphOf = (meta: Record<string, unknown> = {}): Graph => ({
  format: 'onnx',
  name: 'g',
  inputs: [],
  outputs: [],
  layers: [],
  meta,
});

describe('.dropoutlens.json mcModels', () => {
  for (const [glob, path, matches] of CASES) {
    it(`glob ${glob} ${matches ? 'matches' : 'does not match'} ${path}`, () => {
      const regex = compileGlob(glob);
      assert.ok(regex instanceof RegExp, String(regex));
      assert.equal(regex.test(path), matches);
    });
  }

  it('reads a list of globs, each with the folder of its .dropoutlens.json', () => {
    const { config, problems } = parseLintConfig(
      { rules: { 'rate-zero': 'off' }, mcModels: ['models/**/*-mc.onnx', 'mc/*/model.json'] },
      RULE_IDS,
      '/work/project',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(config.mcModels, [
      { folder: '/work/project', glob: 'models/**/*-mc.onnx' },
      { folder: '/work/project', glob: 'mc/*/model.json' },
    ]);
  });

  it('names each bad glob and why, and keeps the good ones', () => {
    const { config, problems } = parseLintConfig(
      { mcModels: ['ok/*.onnx', '', '/abs/*.onnx', 'a\\b.onnx', '{a,b.onnx', 'net[.onnx', 'models**', 3] },
      RULE_IDS,
      '/p',
    );
    assert.deepEqual(config.mcModels, [{ folder: '/p', glob: 'ok/*.onnx' }]);
    assert.deepEqual(problems, [
      'mcModels[1] "": a glob cannot be empty',
      'mcModels[2] "/abs/*.onnx": a glob is relative to the folder of .dropoutlens.json, not an absolute path',
      'mcModels[3] "a\\\\b.onnx": use "/" between folders, not "\\"',
      'mcModels[4] "{a,b.onnx": a "{" has no closing "}"',
      'mcModels[5] "net[.onnx": "[" at character 4 has no closing "]"',
      'mcModels[6] "models**": "**" must be a whole path segment, as in "models/**/*.onnx"',
      'mcModels[7] 3: it must be a string',
    ]);
  });

  it('names a set that is reversed, empty or holds "/" instead of throwing or matching anything', () => {
    const { config, problems } = parseLintConfig(
      { mcModels: ['[z-a].onnx', 'net[!].onnx', 'a[/]b.onnx', 'ok/*.onnx'] },
      RULE_IDS,
      '/p',
    );
    assert.deepEqual(config.mcModels, [{ folder: '/p', glob: 'ok/*.onnx' }]);
    assert.deepEqual(problems, [
      'mcModels[0] "[z-a].onnx": "[z-a]" at character 1: a range must run from the lower character to the higher, as in "[a-z]"',
      'mcModels[1] "net[!].onnx": "[" at character 4 has no closing "]"',
      'mcModels[2] "a[/]b.onnx": "[/]" at character 2: a set matches one character of a name, never "/"',
    ]);
  });

  it('refuses a value that is no list, and mcModels outside a .dropoutlens.json (the settings)', () => {
    assert.deepEqual(parseLintConfig({ mcModels: 'models/*.onnx' }, RULE_IDS, '/p').problems, [
      '"mcModels" must be a list of file globs, e.g. ["models/**/*-mc.onnx"]',
    ]);
    assert.match(
      parseLintConfig({ mcModels: [] }, RULE_IDS).problems[0] ?? '',
      /read from a \.dropoutlens\.json only/,
    );
  });

  it('marks a file inside the folder that a glob lists (POSIX, Windows and URI paths), not one outside', () => {
    const config = mergeLintConfigs(
      parseLintConfig({ mcModels: ['models/**/*-mc.onnx'] }, RULE_IDS, '/work/p').config,
      parseLintConfig({ mcModels: ['*.onnx'] }, RULE_IDS, '/c:/Users/me/q').config,
    );
    const mark = (path: string) => {
      const graph = graphOf();
      markMcModel(graph, config, path);
      return graph.meta.mcModel;
    };
    assert.equal(mark('/work/p/models/x/net-mc.onnx'), '.dropoutlens.json mcModels "models/**/*-mc.onnx"');
    assert.equal(mark('/work/p/models/net.onnx'), undefined);
    assert.equal(mark('/work/pp/models/net-mc.onnx'), undefined);
    assert.equal(mark('C:\\Users\\me\\q\\net.onnx'), '.dropoutlens.json mcModels "*.onnx"');
    assert.equal(mark('/c:/Users/me/q/net.onnx'), '.dropoutlens.json mcModels "*.onnx"');
    // A file's own mark wins: it says more precisely where the mark comes from.
    const own = graphOf({ mcModel: 'metadata_props dropout_lens.mc_dropout' });
    markMcModel(own, config, '/work/p/models/net-mc.onnx');
    assert.equal(own.meta.mcModel, 'metadata_props dropout_lens.mc_dropout');
  });

  it('a listed file is linted as an MC model: its active Dropout is info, not an error', () => {
    const bytes = readFileSync(ONNX);
    const { config } = parseLintConfig({ mcModels: ['models/*-mc.onnx'] }, RULE_IDS, '/p');
    const severity = (path: string) =>
      lintSource({ path, bytes }, config).findings.find((f) => f.rule === 'dropout-active-at-inference')
        ?.severity;
    assert.equal(severity('/p/models/net-mc.onnx'), 'info');
    assert.equal(severity('/p/models/net.onnx'), 'error');
    // A relative source path is matched by the absolute path the caller gives.
    const relative = lintSource({ path: 'models/net-mc.onnx', bytes }, config, '/p/models/net-mc.onnx');
    assert.equal(relative.findings.find((f) => f.rule === 'dropout-active-at-inference')?.severity, 'info');
  });
});
