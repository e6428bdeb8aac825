// The engine worker (worker_threads): runs jobs off the extension host's thread, streams progress,
// honours cancellation between units of work, and reports every failure as a message.
import { parentPort } from 'node:worker_threads';
import type { FromWorker } from '../protocol/worker';
import { createDispatcher } from './dispatch';
import { JOB_HANDLERS } from './jobs';

const port = parentPort;
if (!port) throw new Error('dropout-lens worker: must run in a worker thread');

port.on(
  'message',
  createDispatcher((message: FromWorker) => port.postMessage(message), JOB_HANDLERS, console.error),
);
