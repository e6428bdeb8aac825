// The benchmark data streams against the checksums the peer kit publishes (bench README).
import * as assert from 'node:assert/strict';
import { w1Data, w2Data, w3Input, w5Input } from '../../../bench/data';

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

  // The kit publishes no W5 checksum; its lib/data.py gives this sum (float64) and these values.
  it('W5: x sum, first and last values', () => {
    const w5 = w5Input();
    assert.equal(w5.x.length, 64 * 3 * 224 * 224);
    assert.equal(sum(w5.x).toFixed(6), '4816101.693298');
    assert.deepEqual(
      Array.from(w5.x.slice(0, 3), (v) => v.toFixed(8)),
      ['0.01170475', '0.06195826', '0.97690761'],
    );
    assert.equal((w5.x[w5.x.length - 1] as number).toFixed(8), '0.01402342');
  });
});
