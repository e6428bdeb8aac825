// The model view header's size on disk: a TensorFlow.js model.json plus its weight shards.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SIZE_LIMIT } from '../../../src/core/io/size-limit';
import { modelView } from '../../../src/worker/model-job';
import type { JobContext } from '../../../src/worker/job-context';

const context: JobContext = {
  isCancelled: () => false,
  progress: () => undefined,
  limit: DEFAULT_SIZE_LIMIT,
};
const size = (...files: string[]) => files.reduce((n, f) => n + statSync(f).size, 0);

async function header(path: string) {
  const result = await modelView({ path, config: { rules: {} } }, context);
  assert.ok('model' in result, 'error' in result ? result.error : 'no model');
  return result.model;
}

describe('model view size on disk', () => {
  it('counts both weight shards of a tfjs graph model with its model.json', async () => {
    const dir = 'test/fixtures/tfjs-graph-nsfwjs-mobilenet_v2_mid';
    const model = await header(join(dir, 'model.json'));
    const want = size(...['model.json', 'group1-shard1of2', 'group1-shard2of2'].map((f) => join(dir, f)));
    assert.equal(model.fileSize, want);
    assert.equal(model.fileSize, 135_274 + 4_194_304 + 106_471);
    assert.equal(model.shards, 2);
  });

  it('counts the one shard of a tfjs layers model', async () => {
    const model = await header('samples/tfjs-rnn/model.json');
    assert.equal(
      model.fileSize,
      size('samples/tfjs-rnn/model.json', 'samples/tfjs-rnn/group1-shard1of1.bin'),
    );
    assert.equal(model.shards, 1);
  });

  it('counts only the file of a single-file model', async () => {
    const model = await header('samples/moons-mc.onnx');
    assert.equal(model.fileSize, size('samples/moons-mc.onnx'));
    assert.equal(model.shards, undefined);
  });

  it('leaves out a missing shard (the lint reports it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-size-'));
    try {
      cpSync('samples/tfjs-rnn/model.json', join(dir, 'model.json'));
      const model = await header(join(dir, 'model.json'));
      assert.equal(model.fileSize, size(join(dir, 'model.json')));
      assert.equal(model.shards, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
