// How far an MC run is and how long the rest will take, as the notification and the panel both say it.
// Every sample gets every pass, a batch of samples at a time, so the work is samples × passes.
import type { McProgress } from './worker';

/** The fraction of the run's work done, 0 to 1. */
export function workDone(p: McProgress): number {
  const total = p.samples * p.passes;
  return total > 0 ? Math.min(1, (p.samplesDone * p.passes + p.batchSamples * p.passesDone) / total) : 0;
}

/** "1 min 20 s left" if the rest goes as fast as what is done; undefined before any is done. */
export function timeLeft(p: McProgress): string | undefined {
  const done = workDone(p);
  if (done <= 0 || p.elapsedMs <= 0) return undefined;
  const s = Math.max(0, Math.round((p.elapsedMs * (1 - done)) / done / 1000));
  return s > 90 ? `${Math.floor(s / 60)} min ${s % 60} s left` : `${s} s left`;
}

/** "batch 2 / 5: 20 / 30 passes · 12 s left" (the batch only when there are several). */
export function progressText(p: McProgress): string {
  const left = timeLeft(p);
  const batch = p.batches > 1 ? `batch ${p.batch + 1} / ${p.batches}: ` : '';
  return `${batch}${p.passesDone} / ${p.passes} passes${left ? ` · ${left}` : ''}`;
}
