// Load: Lint Workspace's job on a 200-file workspace, generated from the samples with varied dropout
// rates, run six times in the real worker. Each file's findings are checked against the rate written
// into it, and the heaps (worker and host) may not grow more than 10% between the first run (warm-up)
// and the last.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerHost } from '../../src/extension/worker-host';
import type { WireLintResult } from '../../src/protocol/worker';
import { hostWithHooks } from '../unit/worker/host-support';
import { heaps, report } from './heap';

const NN_SAMPLES = ['digits-cnn', 'digits-mlp', 'keep-prob-mistake', 'moons-early-dropout', 'wine-selu'];
const PER_NN_SAMPLE = 36;
const TFJS_COPIES = 200 - NN_SAMPLES.length * PER_NN_SAMPLE;

/** The rate of the i-th copy: 0, 0.03, …, past 1 (out of range) for the last few. */
const rateOf = (i: number, copies: number) => Math.round((i * 1.2 * 100) / (copies - 1)) / 100;

interface Generated {
  path: string;
  rate: number;
  /** The rules the rate alone implies (rate-out-of-range at ≥ 1, rate-zero at 0 for dropout layers). */
  implied: string[];
}

/** Writes the workspace: copies of each sample with its first dropout rate replaced. */
function generate(dir: string): Generated[] {
  const files: Generated[] = [];
  for (const name of NN_SAMPLES) {
    const text = readFileSync(join('samples', `${name}.nn.json`), 'utf8');
    for (let i = 0; i < PER_NN_SAMPLE; i++) {
      const rate = rateOf(i, PER_NN_SAMPLE);
      const path = join(dir, `${name}-${i}.nn.json`);
      writeFileSync(path, text.replace(/"rate": *[0-9.]+/, `"rate": ${rate}`));
      files.push({
        path,
        rate,
        implied: rate >= 1 ? ['rate-out-of-range'] : rate === 0 ? ['rate-zero'] : [],
      });
    }
  }
  const text = readFileSync('samples/tfjs-rnn/model.json', 'utf8');
  for (let i = 0; i < TFJS_COPIES; i++) {
    const rate = rateOf(i, TFJS_COPIES);
    const folder = join(dir, `tfjs-rnn-${i}`);
    mkdirSync(folder);
    const path = join(folder, 'model.json');
    // The first LSTM's input dropout; recurrent layers have no rate-zero rule.
    writeFileSync(path, text.replace(/"dropout": *[0-9.]+/, `"dropout": ${rate}`));
    copyFileSync('samples/tfjs-rnn/group1-shard1of1.bin', join(folder, 'group1-shard1of1.bin'));
    files.push({ path, rate, implied: rate >= 1 ? ['rate-out-of-range'] : [] });
  }
  return files;
}

describe('load: linting a 200-file workspace in the worker', function () {
  this.timeout(120_000);
  let dir: string;
  let files: Generated[];
  let host: WorkerHost;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dropout-lens-load-'));
    files = generate(dir);
    ({ host } = hostWithHooks());
  });
  after(() => {
    host.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const lint = async () => {
    const results: WireLintResult[] = [];
    const summary = await host.run('lint', { files: files.map((f) => f.path), config: { rules: {} } }, (p) =>
      results.push(p.result),
    );
    return { summary, results };
  };

  it("finds what each file's rate implies, six times over, with heap growth within 10%", async () => {
    assert.equal(files.length, 200);
    const started = performance.now();
    const first = await lint();
    const before = await heaps(host);
    let last = first;
    for (let i = 0; i < 5; i++) last = await lint();
    const after = await heaps(host);
    const seconds = (performance.now() - started) / 1000;

    assert.equal(last.summary.files, 200);
    assert.equal(last.summary.errors, 0, 'every generated file reads');
    const byPath = new Map(last.results.map((r) => [r.path, r]));
    for (const f of files) {
      const rules = new Set(byPath.get(f.path)?.findings.map((x) => x.rule));
      for (const rule of ['rate-out-of-range', 'rate-zero'])
        assert.equal(rules.has(rule), f.implied.includes(rule), `${f.path} (rate ${f.rate}): ${rule}`);
    }
    assert.deepEqual(last.summary, first.summary, 'the same findings every time');
    assert.ok(files.filter((f) => f.implied.length > 0).length >= 20, 'the rates exercise both rules');

    const growth = report(
      `6 × 200 files in ${seconds.toFixed(1)} s, ${last.summary.findings} findings a run`,
      before,
      after,
    );
    assert.ok(growth.worker <= 0.1, `worker heap grew ${(100 * growth.worker).toFixed(1)}%`);
    assert.ok(growth.host <= 0.1, `host heap grew ${(100 * growth.host).toFixed(1)}%`);
  });
});
