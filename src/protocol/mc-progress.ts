// How long the rest of an MC run will take and how far it is, as the notification and the panel both say
// it: the time taken so far, scaled by the fraction of the work (samples × passes) still to do.
import type { McProgress } from './worker';

/** "1 min 20 s left" if the rest goes as fast as what is done; undefined before any is done. */
export function timeLeft(p: McProgress): string | undefined {
  const done = p.fraction;
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
