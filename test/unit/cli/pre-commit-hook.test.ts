// The pre-commit hook (.pre-commit-hooks.yaml) run as pre-commit runs it: in a temporary git repository,
// its `files` pattern picks the staged files, and its entry runs with their paths as arguments from the
// repository's root (the installed `dropout-lens` is dist/cli.js). No pre-commit and no network needed.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isModelFileName } from '../../../src/core/formats/model-file-name';

const CLI = resolve('dist/cli.js');

/** The one hook's keys (the file is a YAML list of one flat mapping). */
function hook(): Record<string, string> {
  const text = readFileSync('.pre-commit-hooks.yaml', 'utf8');
  const entries = [...text.matchAll(/^(?:- | {2})(\w+): (.*)$/gm)].map(
    (m) => [m[1], m[2]] as [string, string],
  );
  return Object.fromEntries(entries);
}

const GOOD = `{
  "format": "dropout-lens/nn", "version": 1, "input": { "shape": [64] },
  "layers": [
    { "type": "dense", "units": 128, "activation": "relu" },
    { "type": "dropout", "rate": 0.3 },
    { "type": "dense", "units": 10, "activation": "softmax" }
  ]
}
`;
const BAD = GOOD.replace('"rate": 0.3', '"rate": 0.9');

describe('the pre-commit hook', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  /** pre-commit's run: staged files matching `files`, passed to the entry. */
  const runHook = () => {
    const { entry, files } = hook();
    const pattern = new RegExp(files as string);
    const staged = git('diff', '--cached', '--name-only').split('\n').filter(Boolean);
    const [command, ...args] = (entry as string).split(' ');
    assert.equal(command, 'dropout-lens');
    const run = spawnSync(process.execPath, [CLI, ...args, ...staged.filter((f) => pattern.test(f))], {
      cwd: repo,
      encoding: 'utf8',
    });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'pre-commit-hook-'));
    git('init', '--quiet');
    mkdirSync(join(repo, 'models/web'), { recursive: true });
    mkdirSync(join(repo, 'app'));
    writeFileSync(join(repo, 'models/good.nn.json'), GOOD);
    writeFileSync(join(repo, 'models/web/model.json'), readFileSync('test/fixtures/tfjs/mlp/model.json'));
    // Other JSON under a model file name, and a file the pattern leaves alone.
    writeFileSync(join(repo, 'app/model.json'), '{ "name": "an app\'s model.json" }');
    writeFileSync(join(repo, 'README.md'), '# models\n');
    git('add', '.');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('is one node hook named dropout-lens', () => {
    const { id, language } = hook();
    assert.deepEqual([id, language], ['dropout-lens', 'node']);
  });

  it('passes a commit without warnings or errors (exit 0), leaving other JSON out', () => {
    const { code, out, err } = runHook();
    assert.equal(err, '');
    assert.equal(code, 0, out);
    // The tfjs model's info finding does not fail the commit; the app's model.json is not counted.
    assert.match(out, /^models\/web\/model\.json:\d+:\d+: info \[small-layer-heavy-dropout\]/m);
    assert.match(out, /^1 finding in 2 files$/m);
  });

  it('fails a commit with a bad model file (exit 1) and names the file, line and rule', () => {
    writeFileSync(join(repo, 'models/bad.nn.json'), BAD);
    git('add', 'models/bad.nn.json');
    const { code, out } = runHook();
    assert.equal(code, 1);
    assert.match(out, /^models\/bad\.nn\.json:5:\d+: warning \[keep-prob-confusion\]/m);
    assert.doesNotMatch(out, /good\.nn\.json/);
  });

  it('matches the file names the CLI walks for', () => {
    const pattern = new RegExp(hook().files as string);
    for (const path of [
      'a/model.json',
      'model.json',
      'x/net.nn.json',
      'x/net.model.json',
      'm.onnx',
      'k/m.keras',
      'k/m.h5',
      'a/mymodel.json',
      'a/model.json.bak',
      'a/model.onnx.txt',
      'nn.json',
      'README.md',
    ]) {
      const name = path.split('/').at(-1) as string;
      assert.equal(pattern.test(path), isModelFileName(name), path);
    }
  });
});
