// What a job handler is given: a cancel check (asked between units of work), a progress sink and the
// file size limit.
import type { SizeLimit } from '../core/io/size-limit';
import type { JobKind, Jobs } from '../protocol/worker';

export interface JobContext {
  isCancelled(): boolean;
  progress(progress: Jobs[JobKind]['progress']): void;
  /** Files larger than this are refused before they are read. */
  limit: SizeLimit;
}
