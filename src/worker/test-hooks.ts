// Jobs only the test suites reach: the fault and load tests set DROPOUT_LENS_TEST_HOOKS=1 before the
// worker starts; the packaged extension never does, and then these jobs fail with a plain error.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TEST_HOOKS_ENV, type Jobs } from '../protocol/worker';

function enabled(kind: string): void {
  if (process.env[TEST_HOOKS_ENV] !== '1') throw new Error(`"${kind}" is a test hook and is not enabled`);
}

export async function faultJob(request: Jobs['fault']['request']): Promise<never> {
  enabled('fault');
  switch (request.fault) {
    case 'throw':
      // Outside the job's promise chain, so nothing catches it: the worker's uncaught-exception path.
      setImmediate(() => {
        throw new Error('injected fault: uncaught exception in the engine');
      });
      break;
    case 'exit':
      return process.exit(3);
    case 'oom': {
      const hog: number[][] = [];
      for (;;) hog.push(new Array<number>(1 << 20).fill(0.5));
    }
    case 'hang':
      for (;;);
  }
  return new Promise<never>(() => undefined);
}

let gc: (() => void) | undefined;

/** Forces a full garbage collection (V8's `gc`, exposed on demand) and reads this thread's heap. */
export function heapAfterGc(): { heapUsed: number; arrayBuffers: number } {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
}

export async function probeJob(request: Jobs['probe']['request']): Promise<Jobs['probe']['result']> {
  enabled('probe');
  const { active, idle } = performance.eventLoopUtilization();
  const { heapUsed, arrayBuffers } = request.gc ? heapAfterGc() : process.memoryUsage();
  return { heapUsed, arrayBuffers, active, idle };
}
