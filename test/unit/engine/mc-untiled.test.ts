// A runtime that holds the prefix output itself (onnxruntime) asks the pass loop for no tiled rows: the
// loop hands it an empty tensor of the tiled shape and the span, and the statistics are those of its passes.
import * as assert from 'node:assert/strict';
import { runMcPasses, type McPasses } from '../../../src/core/engine/mc/mc';

describe('runMcPasses with an untiled model', () => {
  it('tiles nothing and gives the mean of the passes forward returns', async () => {
    const n = 3;
    const seen: number[] = [];
    const model: McPasses = {
      base: { data: new Float32Array(n * 1000), shape: [n, 1000] },
      classes: 2,
      probabilities: true,
      rowBudget: 4 * n,
      prefixLayers: 1,
      untiled: true,
      forward: (tiled, span) => {
        seen.push(tiled.data.length);
        assert.deepEqual(tiled.shape, [span.passes * n, 1000]);
        // Pass t gives every row [1 − t/10, t/10].
        const data = new Float32Array(span.passes * n * 2);
        for (let p = 0; p < span.passes; p++)
          for (let r = 0; r < n; r++) {
            const q = (span.first + p) / 10;
            data.set([1 - q, q], (p * n + r) * 2);
          }
        return { data, shape: [span.passes * n, 2] };
      },
    };
    const { stats } = await runMcPasses(model, { passes: 10, seed: 1 });
    assert.ok(seen.length > 1 && seen.every((length) => length === 0), `tiled lengths ${seen}`);
    // Mean of t/10 over t = 0..9 is 0.45; within float32 rounding of each pass's value.
    for (let r = 0; r < n; r++) assert.ok(Math.abs((stats.mean[r * 2 + 1] as number) - 0.45) < 1e-6);
  });
});
