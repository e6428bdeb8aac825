// Owns the engine worker: starts it on first use, runs typed jobs with progress and cancellation,
// queues the long ones, restarts the worker after a crash (or when a cancelled job will not stop), and
// fails the jobs that were running when it died.
import * as path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { FromWorker, JobKind, Jobs, ToWorker } from '../protocol/worker';
import { preview } from '../protocol/guards';
import { isFromWorker } from '../protocol/worker';
import { DEFAULT_SIZE_LIMIT } from '../core/io/size-limit';

/**
 * Training and MC compute for seconds to minutes: at most this many share the worker, the others wait
 * their turn (and can be cancelled while they wait). Reading and linting are quick and never wait.
 */
export const MAX_RUNNING = 2;
const QUEUED_KINDS: ReadonlySet<JobKind> = new Set(['train', 'mc']);

/**
 * The worker's JS heap limit. Tensors live in ArrayBuffers outside this heap, so the limit bounds
 * runaway object garbage, not model size; a job that reaches it ends the worker, never the editor.
 */
export const HEAP_LIMIT_MB = 2048;

/**
 * Jobs stop within 100 ms of a cancel; one that has not stopped after this long is stuck in a loop that
 * never yields, and the worker is restarted to end it (the other running jobs fail with it).
 */
export const CANCEL_GRACE_MS = 10_000;

export interface WorkerHostOptions {
  heapLimitMb?: number;
  cancelGraceMs?: number;
  /** The largest file a job may read, asked at each start (the setting can change); default 2 GB. */
  maxFileBytes?: () => number;
}

interface Job {
  id: number;
  kind: JobKind;
  request: unknown;
  /** Sent to the worker (otherwise still in the queue). */
  sent: boolean;
  onProgress: (p: unknown) => void;
  onQueued?: (ahead: number) => void;
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
  cancelListener?: vscode.Disposable;
  /** Cancel was asked: a worker restart ends this job as cancelled, not failed. */
  cancelled?: boolean;
  watchdog?: ReturnType<typeof setTimeout>;
}

export class JobCancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export class WorkerHost implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly jobs = new Map<number, Job>();
  private readonly queue: Job[] = [];
  private readonly limits: ResourceLimits;
  private readonly cancelGraceMs: number;
  private readonly maxFileBytes: () => number;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
    options: WorkerHostOptions = {},
  ) {
    this.limits = { maxOldGenerationSizeMb: options.heapLimitMb ?? HEAP_LIMIT_MB };
    this.cancelGraceMs = options.cancelGraceMs ?? CANCEL_GRACE_MS;
    this.maxFileBytes = options.maxFileBytes ?? (() => DEFAULT_SIZE_LIMIT.bytes);
  }

  /**
   * Runs a job. Training and MC jobs may wait for a free slot first: `onQueued` then hears how many jobs
   * are ahead (running ones included) each time the queue moves.
   */
  run<K extends JobKind>(
    kind: K,
    request: Jobs[K]['request'],
    onProgress: (p: Jobs[K]['progress']) => void,
    token?: vscode.CancellationToken,
    onQueued?: (ahead: number) => void,
  ): Promise<Jobs[K]['result']> {
    if (token?.isCancellationRequested) return Promise.reject(new JobCancelledError());
    return new Promise<Jobs[K]['result']>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        kind,
        request,
        sent: false,
        onProgress: onProgress as (p: unknown) => void,
        onQueued,
        resolve: resolve as (r: unknown) => void,
        reject,
      };
      this.jobs.set(job.id, job);
      job.cancelListener = token?.onCancellationRequested(() => this.cancel(job));
      if (QUEUED_KINDS.has(kind)) {
        this.queue.push(job);
        this.startQueued();
      } else {
        this.send(job);
      }
    });
  }

  /** The kinds of the jobs in the worker now and of those waiting for a slot, in order. */
  jobKinds(): { running: JobKind[]; queued: JobKind[] } {
    return {
      running: [...this.jobs.values()].filter((j) => j.sent).map((j) => j.kind),
      queued: this.queue.map((j) => j.kind),
    };
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.queue.length = 0;
    for (const job of [...this.jobs.values()]) this.settle(job, new Error('Dropout Lens was shut down'));
  }

  private send(job: Job): void {
    job.sent = true;
    const message: ToWorker = {
      type: 'start',
      jobId: job.id,
      kind: job.kind,
      request: job.request as Jobs[JobKind]['request'],
      maxFileBytes: this.maxFileBytes(),
    };
    this.ensureWorker().postMessage(message);
  }

  /** Starts queued jobs while slots are free and tells the others how many are ahead of them. */
  private startQueued(): void {
    const running = () => [...this.jobs.values()].filter((j) => j.sent && QUEUED_KINDS.has(j.kind)).length;
    while (this.queue.length > 0 && running() < MAX_RUNNING) this.send(this.queue.shift() as Job);
    const ahead = running();
    this.queue.forEach((job, i) => job.onQueued?.(ahead + i));
  }

  private cancel(job: Job): void {
    if (!this.jobs.has(job.id)) return;
    const worker = this.worker;
    if (job.sent && worker) {
      // The worker answers 'cancelled' once the job has really stopped computing.
      const message: ToWorker = { type: 'cancel', jobId: job.id };
      worker.postMessage(message);
      job.cancelled = true;
      job.watchdog ??= setTimeout(() => {
        this.stopped(worker, `a cancelled job did not stop within ${this.cancelGraceMs / 1000} s`);
        void worker.terminate();
      }, this.cancelGraceMs);
      return;
    }
    this.queue.splice(this.queue.indexOf(job), 1);
    this.settle(job, new JobCancelledError());
    this.startQueued();
  }

  /** Ends a job: resolves or rejects it once, and frees its slot for the queue. */
  private settle(job: Job, outcome: Error | { result: unknown }): void {
    if (!this.jobs.delete(job.id)) return;
    job.cancelListener?.dispose();
    clearTimeout(job.watchdog);
    if (outcome instanceof Error) job.reject(outcome);
    else job.resolve(outcome.result);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'worker.js'), {
      resourceLimits: this.limits,
    });
    let failure: string | undefined;
    worker.on('message', (message: unknown) => {
      if (isFromWorker(message)) this.onMessage(message);
      else this.log.error(`engine worker sent a malformed message: ${preview(message)}`);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      failure =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `it ran out of memory (the job needed more than ${this.limits.maxOldGenerationSizeMb} MB of JS heap)`
          : e.message;
      this.log.error(`engine worker failed: ${e.stack ?? e.message}`);
    });
    worker.on('exit', (code) => this.stopped(worker, failure ?? `its thread exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  /** The worker died or must be ended: its jobs end with it, the next job starts a fresh one. */
  private stopped(worker: Worker, reason: string): void {
    // A worker this host already let go of (dispose, a restart) is not news.
    if (this.worker !== worker) return;
    this.worker = undefined;
    const running = [...this.jobs.values()].filter((j) => j.sent);
    if (running.length === 0) return;
    this.log.error(
      `the engine stopped (${reason}) with ${running.length} job(s) running; it restarts for the next job`,
    );
    for (const job of running)
      this.settle(job, job.cancelled ? new JobCancelledError() : new Error(`the engine stopped: ${reason}`));
    // Jobs still waiting never reached the dead worker: they start on a fresh one.
    this.startQueued();
  }

  private onMessage(message: FromWorker): void {
    const job = this.jobs.get(message.jobId);
    if (!job) return;
    switch (message.type) {
      case 'progress':
        job.onProgress(message.progress);
        return;
      case 'done':
        this.settle(job, { result: message.result });
        break;
      case 'cancelled':
        this.settle(job, new JobCancelledError());
        break;
      case 'error':
        this.settle(job, new Error(message.message));
        break;
    }
    if (QUEUED_KINDS.has(job.kind)) this.startQueued();
  }
}
