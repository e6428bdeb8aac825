// `dropout-lens bench <workload> [options]`: the product's jobs for the peer kit's workloads, each
// printing JSON lines with the kit's field names so results sit beside the peers' in its tables.
import { runW4 } from '../../bench/w4';
import { UsageError, type CliIo } from './io';

type Workload = (args: string[]) => Promise<Record<string, unknown>>;

export const WORKLOADS: Record<string, Workload> = { w4: runW4 };

export async function runBench(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  const workload = name === undefined ? undefined : WORKLOADS[name];
  if (!workload) {
    throw new UsageError(
      `bench: name a workload (${Object.keys(WORKLOADS).join(', ')}), not "${name ?? ''}"`,
    );
  }
  const result = await workload(rest);
  // A workload that measured several models returns them under `models`: one line each.
  const records = Array.isArray(result.models) ? (result.models as unknown[]) : [result];
  for (const record of records) io.out(JSON.stringify(record));
  return 0;
}
