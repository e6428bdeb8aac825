// The second thread of two-worker training (two-workers.ts): a worker_threads entry, bundled on its own
// as dist/replica-thread.js, beside the bundles that start it (the CLI and the engine worker).
import { parentPort, workerData } from 'node:worker_threads';
import { runReplica, type ReplicaSetup } from './two-workers';

const port = parentPort;
if (!port) throw new Error('replica-thread runs as a worker thread');
void runReplica(workerData as ReplicaSetup, (inboxes) => port.postMessage(inboxes));
