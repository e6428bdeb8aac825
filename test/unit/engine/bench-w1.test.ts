// W1 on two workers, data-parallel (bench/mlp-parallel.ts): each thread runs half of every batch and the
// merged gradients drive both replicas, so training equals one worker's up to float rounding, and the two
// replicas stay equal bit for bit. A last batch of 37 rows splits 19 / 18, one of 1 row 1 / 0.
import * as assert from 'node:assert/strict';
import { w1Data } from '../../../bench/data';
import { trainTwoWorkers } from '../../../bench/mlp-parallel';
import { mlpReplica, mlpSteps, type MlpWorkload } from '../../../bench/mlp-workload';
import { assertClose } from './helpers';

describe('bench W1 on two workers', () => {
  for (const last of [37, 1])
    it(`trains as one worker does (1e-5), both replicas equal bit for bit (last batch ${last} rows)`, async () => {
      const data = w1Data(64 * 10 + last); // the warm-up takes the first 10 batches
      const w: MlpWorkload = {
        workload: 'w1',
        ...data,
        sizes: [784, 256, 256, 10],
        rate: 0.5,
        batch: 64,
        epochs: 2,
      };
      const one = mlpReplica(w);
      const single = mlpSteps(w, one);
      const two = await trainTwoWorkers(w);
      two.replica.net.params.forEach((p, i) => {
        assert.deepEqual(two.theirs[i], p.value, `${p.name}: the worker's replica`);
        assertClose(p.value, one.net.params[i]?.value ?? [], 1e-5, p.name);
      });
      assert.ok(Math.abs(two.run.loss - single.loss) < 1e-5, `last loss ${two.run.loss} vs ${single.loss}`);
      // The weights moved: the comparison is not between two untrained networks.
      const fresh = mlpReplica(w).net.params[0]?.value ?? [];
      assert.ok(one.net.params[0]?.value.some((v, i) => Math.abs(v - (fresh[i] as number)) > 1e-3));
    });
});
