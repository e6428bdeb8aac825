// `dropout-lens bench <workload> [options]`: the product's jobs for the peer kit's workloads, each
// printing JSON lines with the kit's field names so results sit beside the peers' in its tables.
import { runW1 } from '../../bench/w1';
import { runW2 } from '../../bench/w2';
import { runW3 } from '../../bench/w3';
import { runW4 } from '../../bench/w4';
import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from './io';

type Workload = (args: string[]) => Promise<Record<string, unknown>>;

/** W1's one option, `--workers 1|2` (data-parallel training on two threads). */
function w1Workers(args: string[]): number {
  const { values } = parseArgs({ args, options: { workers: { type: 'string', default: '1' } } });
  if (values.workers !== '1' && values.workers !== '2')
    throw new UsageError(`bench w1: --workers must be 1 or 2, not "${values.workers}"`);
  return Number(values.workers);
}

// The kit's contract fixes W1's and W2's sizes; W1 may run on two workers.
export const WORKLOADS: Record<string, Workload> = {
  w1: async (args) => runW1({ workers: w1Workers(args) }),
  w2: async () => runW2(),
  w3: runW3,
  w4: runW4,
};

export async function runBench(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  const workload = name === undefined ? undefined : WORKLOADS[name];
  if (!workload) {
    throw new UsageError(
      `bench: name a workload (${Object.keys(WORKLOADS).join(', ')}), not "${name ?? ''}"`,
    );
  }
  let result: Record<string, unknown>;
  try {
    result = await workload(rest);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // Unreadable input (a model file that is missing or broken): exit 2, as `lint` does.
    io.err(`dropout-lens: bench ${name}: ${(e as Error).message}`);
    return 2;
  }
  // A workload that measured several models returns them under `models`: one line each.
  const records = Array.isArray(result.models) ? (result.models as unknown[]) : [result];
  for (const record of records) io.out(JSON.stringify(record));
  return 0;
}
