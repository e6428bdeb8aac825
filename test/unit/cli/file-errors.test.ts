// A model the readers refuse: lint, mc and train say why with the file named once, and exit 2.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run-cli';

describe('dropout-lens lint, mc and train on a cut-short model file', () => {
  let dir: string;
  let model: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dropout-lens-file-errors-'));
    model = join(dir, 'cut.onnx');
    writeFileSync(model, readFileSync('samples/moons-mc.onnx').subarray(0, 3000));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const args of [
    ['mc', '--data', 'builtin:moons', '--engine', 'onnxruntime'],
    ['mc', '--data', 'builtin:moons'],
    ['train', '--data', 'builtin:moons', '--epochs', '1'],
  ])
    it(`${args.join(' ')}: names the file once and says it is not a valid ONNX file`, async () => {
      const r = await run(args[0]!, model, ...args.slice(1));
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /^dropout-lens: .*cut\.onnx: not a valid ONNX file/);
      assert.equal(r.err.split(model).length - 1, 1, r.err);
    });

  it('lint: one line names the file and the error, the summary counts it as not read', async () => {
    const r = await run('lint', model, 'samples/digits-mlp.nn.json');
    assert.equal(r.code, 2, r.err);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0] ?? '', /cut\.onnx: error: not a valid ONNX file/);
    assert.equal(r.out.split(model).length - 1, 1, r.out);
    assert.match(lines.at(-1) ?? '', /^\d+ findings? in 2 files, 1 of them not read$/);
    const json = await run('lint', model, '--format', 'json');
    const [report] = JSON.parse(json.out) as { error?: string }[];
    assert.equal(report?.error?.split(model).length, 2, report?.error);
  });
});
