// `dropout-lens lint` on worker threads (the engine worker bundle, dist/worker.js) reports what it reports
// in-process: the same reports in the same order and the same exit code, on a few hundred generated files
// of every format with per-package configs, a broken config, files cut short, a file over the size limit
// and an app's model.json that is no model.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeLintCorpus } from '../../../bench/lint-corpus';
import { PARALLEL_MIN_FILES, runLint, type LintArgs } from '../../../src/cli/lint-command';
import { lintInWorkers } from '../../../src/cli/lint-pool';
import { sizeLimitFromMegabytes } from '../../../src/core/io/size-limit';
import { lintFile } from '../../../src/core/lint/lint-file';
import { run } from './run-cli';

const WORKER = resolve('dist/worker.js');
const LIMIT = sizeLimitFromMegabytes(1, '--max-file-size-mb');

async function lint(args: LintArgs): Promise<{ code: number; out: string; progress: string[] }> {
  const out: string[] = [];
  const progress: string[] = [];
  const code = await runLint(args, {
    out: (t) => out.push(t),
    err: () => {},
    progress: (t) => progress.push(t),
  });
  return { code, out: out.join('\n'), progress };
}

describe('dropout-lens lint on worker threads', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lint-parallel-'));
    const counts = writeLintCorpus(dir, 330);
    assert.deepEqual(counts, { nn: 110, onnx: 110, tfjs: 110 });
    writeFileSync(join(dir, 'packages/pkg-0003/.dropoutlens.json'), '{ "rules": { "no-such-rule": "off" } }');
    mkdirSync(join(dir, 'packages/pkg-0005/app'));
    writeFileSync(join(dir, 'packages/pkg-0005/app/model.json'), '{ "name": "an app\'s model.json" }');
    writeFileSync(join(dir, 'packages/pkg-0006/big.nn.json'), `{${' '.repeat(1.2 * 2 ** 20)}}`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['json', 'sarif']) {
    it(`gives the in-process ${format} output and exit code`, async () => {
      const serial = await lint({ paths: [dir], format, limit: LIMIT });
      const parallel = await lint({
        paths: [dir],
        format,
        limit: LIMIT,
        workers: { script: WORKER, threads: 3 },
      });
      assert.equal(parallel.out, serial.out);
      assert.equal(parallel.code, serial.code);
      assert.equal(serial.code, 2, 'files cut short, the broken config and the big file are errors');
      if (format !== 'json') return;
      const reports = JSON.parse(serial.out) as { file: string; error?: string; findings: unknown[] }[];
      assert.equal(reports.length, 331, "every model file, the app's model.json left out");
      assert.deepEqual(
        reports.map((r) => r.file),
        reports.map((r) => r.file).sort((a, b) => a.localeCompare(b)),
      );
      const errors = reports.filter((r) => r.error).map((r) => r.error ?? '');
      assert.ok(errors.some((e) => /big\.nn\.json is 1\.2 MB .* limit set by --max-file-size-mb/.test(e)));
      assert.ok(
        errors.some((e) => /pkg-0003\/.*--config .*no-such-rule/.test(e)),
        errors.join('\n'),
      );
      assert.ok(reports.filter((r) => r.findings.length > 0).length > 200);
      assert.deepEqual(parallel.progress.slice(-2), ['dropout-lens: linted 332/332 files', '']);
    });
  }

  it(`runs on the threads from ${PARALLEL_MIN_FILES} files on (a missing worker bundle fails)`, async () => {
    await assert.rejects(
      lint({ paths: [dir], format: 'json', workers: { script: join(dir, 'none.js'), threads: 2 } }),
    );
    const few = await lint({
      paths: [join(dir, 'packages/pkg-0001')],
      format: 'json',
      workers: { script: join(dir, 'none.js'), threads: 2 },
    });
    assert.equal(few.code, 1, 'fewer files are linted in-process');
  });

  it('shows progress on stderr when it is a terminal (a pty from script(1)), and nothing in a pipe', () => {
    const args = [resolve('dist/cli.js'), 'lint', 'samples/digits-mlp.nn.json', 'samples/moons-mc.onnx'];
    const piped = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(piped.stderr, '');
    const command = `${process.execPath} ${args.join(' ')} > /dev/null`;
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
    assert.equal(tty.status, 0, tty.stderr);
    assert.equal(
      tty.stdout,
      '\rdropout-lens: linted 1/2 files\x1b[K\rdropout-lens: linted 2/2 files\x1b[K\r\x1b[K',
    );
  });

  it('refuses --threads that is not a whole number from 1 to 64', async () => {
    for (const threads of ['0', '1.5', 'two', '65']) {
      const { code, err } = await run('lint', 'samples', '--threads', threads);
      assert.equal(code, 2, threads);
      assert.match(err, /--threads must be a whole number from 1 to 64/);
    }
  });

  it('lintInWorkers returns each file its own result, in order, whichever thread linted it', async () => {
    const files = Array.from({ length: 250 }, (_, i) => {
      const pkg = join(dir, 'packages', `pkg-${String(Math.floor(i / 10)).padStart(4, '0')}`);
      return [
        join(pkg, `net-${i}.nn.json`),
        join(pkg, `model-${i}.onnx`),
        join(pkg, `web-${i}`, 'model.json'),
      ][i % 3] as string;
    });
    const strict = { rules: { 'rate-zero': 'error' as const } };
    const configs = files.map((_, i) => (i % 2 ? strict : { rules: {} }));
    const done: number[] = [];
    const results = await lintInWorkers(files, configs, {
      script: WORKER,
      threads: 2,
      limit: LIMIT,
      onResult: (n) => done.push(n),
    });
    assert.deepEqual(
      results,
      files.map((f, i) => lintFile(f, LIMIT, configs[i])),
    );
    assert.deepEqual(
      done,
      Array.from({ length: 250 }, (_, i) => i + 1),
    );
  });
});
