// How many threads a training run asks for: the CLI's `--workers` and the setting dropoutLens.train.workers
// name it alike ("1", "2" or "auto"). A module of its own so the extension reads the setting without
// bundling the engine.

/** One thread, two (data-parallel, two-workers.ts), or `auto`: two where it pays (workersFor). */
export type WorkersChoice = 1 | 2 | 'auto';

/** The choice `text` names, or undefined when it names none. */
export function parseWorkers(text: string): WorkersChoice | undefined {
  return text === '1' ? 1 : text === '2' ? 2 : text === 'auto' ? 'auto' : undefined;
}
