// `dropout-lens lint` on a generated monorepo: writes N model files (default 10,000; bench/lint-corpus.ts)
// into a temporary folder, lints it with the built CLI (dist/cli.js) in a fresh process, and prints one
// JSON line: files, wall time of that process (start-up included), its peak RSS (worker threads included:
// they share the process), findings and exit code. Needs `node esbuild.mjs` first.
// Usage: node bench/lint-monorepo.mjs [--files N] [--threads N]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

if (process.argv[2] === '--child') {
  // The lint itself, in this process alone, so its peak RSS is the CLI's.
  const [dir, threads] = process.argv.slice(3);
  const { main } = require('../dist/cli.js');
  let findings = 0;
  const code = await main(['lint', dir, '--format', 'json', ...(threads ? ['--threads', threads] : [])], {
    out: (t) => (findings = JSON.parse(t).reduce((n, r) => n + r.findings.length, 0)),
    err: () => {},
  });
  console.log(JSON.stringify({ findings, code, maxRssKb: process.resourceUsage().maxRSS }));
} else {
  const { values } = parseArgs({
    options: { files: { type: 'string', default: '10000' }, threads: { type: 'string' } },
  });
  const { writeLintCorpus } = require('../out/bench/lint-corpus.js');
  const dir = mkdtempSync(join(tmpdir(), 'dropout-lens-monorepo-'));
  try {
    const counts = writeLintCorpus(dir, Number(values.files));
    const started = performance.now();
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', dir, ...(values.threads ? [values.threads] : [])],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const seconds = (performance.now() - started) / 1000;
    if (child.status !== 0) throw new Error(`lint process failed: ${child.stderr}`);
    const { findings, code, maxRssKb } = JSON.parse(child.stdout);
    console.log(
      JSON.stringify({
        bench: 'lint-monorepo',
        files: Number(values.files),
        ...counts,
        threads: values.threads ? Number(values.threads) : 'default',
        seconds: Math.round(seconds * 100) / 100,
        files_per_s: Math.round(Number(values.files) / seconds),
        peak_rss_mb: Math.round(maxRssKb / 1024),
        findings,
        exit_code: code,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
