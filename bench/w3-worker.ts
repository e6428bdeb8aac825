// The second thread of W3's two-worker job: builds the same network (same init seed) and data, then runs
// the share of the MC passes each message asks for and answers with its statistics, which the main
// thread merges with its own (mergeStats).
import { parentPort } from 'node:worker_threads';
import { w3Input } from './data';
import { mcW3, w3Network, type W3Share } from './w3';

const port = parentPort;
if (!port) throw new Error('bench/w3-worker runs as a worker thread');
const net = w3Network();
const inputs = new Map<number, Float32Array>();
port.on('message', (share: W3Share) => {
  const x = inputs.get(share.rows) ?? w3Input(share.rows).x;
  inputs.set(share.rows, x);
  void mcW3(net, x, share.rows, share.passes, share.mode, share.seed).then((stats) =>
    port.postMessage(stats),
  );
});
