// Running an exported PyTorch script in the tests: on one process or under torchrun, its data as CSV.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dataset } from '../../../src/core/data/dataset';

export const PYTHON = '/usr/bin/python3';
export const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
// torch.distributed.run's main, fixed for Debian's PyTorch 1.13 on Python 3.11 (see the file).
export const TORCHRUN = resolve('test/support/torchrun.py');

export function writeCsv(path: string, data: Dataset): void {
  const d = data.x.length / data.n;
  const header = [...Array.from({ length: d }, (_, j) => `f${j}`), 'label'].join(',');
  const rows = Array.from({ length: data.n }, (_, r) =>
    [...data.x.subarray(r * d, (r + 1) * d), data.y[r]].join(','),
  );
  writeFileSync(path, [header, ...rows].join('\n') + '\n');
}

/** Runs the script with `args`, on one process or `processes` under torchrun; the JSON lines it printed. */
export function script(
  dir: string,
  processes: number,
  args: string[],
  file = 'model.py',
): Record<string, unknown>[] {
  const command =
    processes === 1 ? [file, ...args] : [TORCHRUN, '--nproc_per_node', String(processes), file, ...args];
  const r = spawnSync(PYTHON, command, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Largest difference between two JSON values' numbers, asserting that everything else is equal. */
export function maxNumberDiff(a: unknown, b: unknown, path = '$'): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, path);
    return a.reduce((m: number, v, i) => Math.max(m, maxNumberDiff(v, b[i], `${path}[${i}]`)), 0);
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), path);
    return Object.entries(a).reduce(
      (m: number, [k, v]) => Math.max(m, maxNumberDiff(v, (b as Record<string, unknown>)[k], `${path}.${k}`)),
      0,
    );
  }
  assert.deepEqual(a, b, path);
  return 0;
}
