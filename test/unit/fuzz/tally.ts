// Counts every fuzz input by target, kind and outcome, and prints the table when the run ends (the
// root `after` hook below). The table is what the hardening note quotes: run the fuzz tests to get it.

interface Row {
  inputs: number;
  outcomes: Map<string, number>;
  slowestMs: number;
}

const rows = new Map<string, Row>();

/** Counts one input of `kind` against `target` that ended in `outcome`, taking `ms`. */
export function tally(target: string, kind: string, outcome: string, ms: number): void {
  const key = `${target}\u0000${kind}`;
  let row = rows.get(key);
  if (!row) rows.set(key, (row = { inputs: 0, outcomes: new Map(), slowestMs: 0 }));
  row.inputs++;
  row.outcomes.set(outcome, (row.outcomes.get(outcome) ?? 0) + 1);
  row.slowestMs = Math.max(row.slowestMs, ms);
}

/** Times `f` and counts its outcome (what it returns, or "threw: …" — the property then fails). */
export function timed<T>(target: string, kind: string, f: () => T, outcome: (result: T) => string): T {
  const started = performance.now();
  let result: T;
  try {
    result = f();
  } catch (e) {
    tally(target, kind, `threw ${(e as Error)?.name ?? typeof e}`, performance.now() - started);
    throw e;
  }
  tally(target, kind, outcome(result), performance.now() - started);
  return result;
}

export function table(): string {
  const lines = ['| target | kind of input | inputs | what happened | slowest |', '|---|---|---:|---|---:|'];
  let total = 0;
  for (const [key, row] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    const [target, kind] = key.split('\u0000');
    const outcomes = [...row.outcomes]
      .sort((a, b) => b[1] - a[1])
      .map(([o, n]) => `${n} ${o}`)
      .join('; ');
    lines.push(`| ${target} | ${kind} | ${row.inputs} | ${outcomes} | ${row.slowestMs.toFixed(0)} ms |`);
    total += row.inputs;
  }
  lines.push(`| **all** | | **${total}** | | |`);
  return lines.join('\n');
}

after(() => {
  if (rows.size > 0)
    console.log(`\nFuzz inputs tried (FUZZ_RUNS=${process.env.FUZZ_RUNS ?? 'default'}):\n\n${table()}\n`);
});
