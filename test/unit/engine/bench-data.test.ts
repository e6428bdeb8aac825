// The benchmark data streams against the checksums the peer kit publishes (bench README).
import * as assert from 'node:assert/strict';
import { w1Data, w2Data, w3Input } from '../../../bench/data';

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
};

describe('benchmark data streams (mulberry32)', () => {
  it('W1: x sum, first values and label sum', () => {
    const w1 = w1Data();
    assert.equal(sum(w1.x).toFixed(6), '23515055.097514');
    assert.deepEqual(
      Array.from(w1.x.slice(0, 3), (v) => v.toFixed(8)),
      ['0.62707394', '0.00273572', '0.52744704'],
    );
    assert.equal(sum(w1.y), 269286);
  });

  it('W2: x sum', () => {
    assert.equal(sum(w2Data().x).toFixed(6), '752.060358');
  });

  it('W3: x sum', () => {
    const w3 = w3Input();
    assert.equal(w3.x.length, 256 * 784);
    assert.equal(sum(w3.x).toFixed(6), '100516.258319');
  });
});
