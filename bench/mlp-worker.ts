// The second thread of the two-worker W1/W2 job (mlp-parallel.ts): builds its replica, hands over where its
// gradients live, and on 'start' runs its half of every batch in step with the main thread; then reports
// its last loss and its weights.
import { parentPort, workerData } from 'node:worker_threads';
import { replicaOf, type MlpWorkerData, type MlpWorkerDone } from './mlp-parallel';

const port = parentPort;
if (!port) throw new Error('bench/mlp-worker runs as a worker thread');
const { w, control, grads } = workerData as MlpWorkerData;
const mine = replicaOf(w, 1, control);
mine.connect(grads);
port.once('message', () => {
  const { loss } = mine.run();
  const weights = mine.replica.net.params.map((p) => Float32Array.from(p.value));
  port.postMessage({ loss, weights } satisfies MlpWorkerDone);
});
port.postMessage(mine.grads);
