// Owns the engine worker: starts it on first use, runs typed jobs with progress and cancellation,
// restarts it after a crash, and fails the jobs that were running when it died.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { FromWorker, JobKind, Jobs, ToWorker } from '../protocol/worker-messages';
import { preview } from '../protocol/guards';
import { isFromWorker } from '../protocol/worker-guard';
import { fileSizeLimit } from './file-limit';

interface Pending {
  onProgress: (p: unknown) => void;
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
}

export class JobCancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export class WorkerHost implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  run<K extends JobKind>(
    kind: K,
    request: Jobs[K]['request'],
    onProgress: (p: Jobs[K]['progress']) => void,
    token?: vscode.CancellationToken,
  ): Promise<Jobs[K]['result']> {
    const worker = this.ensureWorker();
    const jobId = this.nextId++;
    return new Promise<Jobs[K]['result']>((resolve, reject) => {
      this.pending.set(jobId, {
        onProgress: onProgress as (p: unknown) => void,
        resolve: resolve as (r: unknown) => void,
        reject,
      });
      token?.onCancellationRequested(() => this.send(worker, { type: 'cancel', jobId }));
      this.send(worker, { type: 'start', jobId, kind, request, maxFileBytes: fileSizeLimit().bytes });
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.failAll(new Error('Dropout Lens was shut down'));
  }

  private send(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'worker.js'));
    worker.on('message', (message: unknown) => {
      if (isFromWorker(message)) this.onMessage(message);
      else this.log.error(`engine worker sent a malformed message: ${preview(message)}`);
    });
    worker.on('error', (e) => this.log.error(`engine worker failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.pending.size > 0) {
        this.log.error(`engine worker stopped (exit code ${code}); it restarts on the next job`);
        this.failAll(new Error(`the engine worker stopped unexpectedly (exit code ${code})`));
      }
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(message: FromWorker): void {
    const job = this.pending.get(message.jobId);
    if (!job) return;
    switch (message.type) {
      case 'progress':
        job.onProgress(message.progress);
        return;
      case 'done':
        this.pending.delete(message.jobId);
        job.resolve(message.result);
        return;
      case 'cancelled':
        this.pending.delete(message.jobId);
        job.reject(new JobCancelledError());
        return;
      case 'error':
        this.pending.delete(message.jobId);
        job.reject(new Error(message.message));
        return;
    }
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
